import { Logger } from 'pino';
import { MAX_TIMER_MS } from '@tts/config';
import { SessionConfig, upstreamSpeakCharLimit } from '@tts/protocol';
import { SessionTap } from '../session/session-hooks';
import { UpstreamEnd, UpstreamListener } from '../upstream/upstream-connection';
import { isBusyRefusal, isRestorable, upstreamFailureMessage } from '../upstream/upstream-failure';
import { AnswerWatchdog } from './answer-watchdog';
import { ClientSpeechOutput } from './client-speech-output';
import { PacingReport } from './pacing-report';
import { OwedSpeech } from './owed-speech';
import { RelaySettings } from './relay-settings';
import { ReopenGuard } from './reopen-guard';
import { splitSpeakText } from './speak-splitter';
import { OpenUpstream, SpeechRelayHost } from './speech-relay-host';
import { UpstreamSlot } from './upstream-slot';
import { isFlushLimitWarning, parseUpstreamReply, relayedWarning } from './upstream-replies';

/**
 * - `dormant`: no upstream; the next thing to send opens one (at start, after Deepgram closed an idle one,
 *   or once the wait after a 429 is over)
 * - `connecting` / `open`: the upstream handshake, then text paced within Deepgram's limits
 * - `draining`: the client sent Close; held text, Flushes and owed answers are still delivered
 * - `closing`: our Close went upstream after the last answer; Deepgram's close ends the session
 * - `ended`: finished, failed or aborted
 */
export type SpeechRelayState = 'dormant' | 'connecting' | 'open' | 'draining' | 'closing' | 'ended';

/**
 * How long a draining session may go without progress (audio, a Flushed or a Cleared from Deepgram)
 * before it ends anyway, on top of the longest pacing window (text held for the window makes no audio
 * meanwhile). Warnings and our own writes are not progress: a Deepgram refusing every Flush would
 * otherwise keep the session open for ever.
 */
const CLOSE_GRACE_MS = 120_000;
/** First retry of a Flush Deepgram refused over its own count; doubled on each refusal in a row. */
const FLUSH_RETRY_MS = 1000;
/**
 * Waits before each new open after Deepgram answered 429 (its project at the concurrency limit), one per
 * refusal in a row; after the last the session fails with Deepgram's answer. 1.75 s in all.
 */
const BUSY_RETRY_MS: readonly number[] = [250, 500, 1000];
/** Distinct unknown upstream message types logged per session (the rest are dropped silently). */
const MAX_UNKNOWN_TYPES = 5;

/**
 * The upstream side of one session as a state machine (states above). `OwedSpeech` is its one record
 * of held text and owed answers; every event updates it and then `advance()` decides what follows.
 */
export class SpeechRelay implements UpstreamListener {
  private state: SpeechRelayState = 'dormant';
  private readonly upstream: UpstreamSlot;
  private readonly owed: OwedSpeech;
  private readonly output: ClientSpeechOutput;
  private readonly watchdog = new AnswerWatchdog(
    () => this.onAnswersLost(),
    () => this.upstream.isPaused,
  );
  private readonly speakCharLimit: number;
  private connectedOnce = false;
  private readonly reopens = new ReopenGuard();
  /** Nothing came from Deepgram since a Flush went up with nothing owed before it. */
  private silentSinceOwed = false;
  private paceTimer?: NodeJS.Timeout;
  private closeTimer?: NodeJS.Timeout;
  /** 429 refusals in a row; the timer is set while the wait after the last one runs (no open meanwhile). */
  private busyRefusals = 0;
  private busyTimer?: NodeJS.Timeout;
  private readonly pacing: PacingReport;
  /** Message types Deepgram sent that the relay does not know, each logged once per session. */
  private readonly unknownTypes = new Set<string>();

  constructor(
    private readonly settings: RelaySettings,
    private readonly config: SessionConfig,
    private readonly tap: SessionTap,
    private readonly host: SpeechRelayHost,
    private readonly log: Logger,
    openUpstream: OpenUpstream,
  ) {
    this.upstream = new UpstreamSlot(openUpstream, this, settings.upstreamMaxAgeMs, log);
    this.output = new ClientSpeechOutput(config, tap, host, (error) => this.onRelayFault(error));
    this.owed = new OwedSpeech(settings.pace);
    this.speakCharLimit = upstreamSpeakCharLimit(config.model);
    this.pacing = new PacingReport(this.owed, settings.pace, tap, host);
  }

  get current(): SpeechRelayState {
    return this.state;
  }

  /** True while the client is still owed audio or an answer, or text is held. */
  get busy(): boolean {
    return !this.owed.settled;
  }

  /** Opens the upstream early, before the first text. */
  connect(): void {
    if (this.state === 'dormant') this.openLink();
  }

  /** Queues text; false when the session already holds too much text without a Flush. */
  speak(text: string): boolean {
    if (this.owed.unflushedChars + text.length > this.settings.maxQueuedTextChars) return false;
    this.owed.speak(splitSpeakText(text, this.speakCharLimit), Date.now());
    this.advance();
    return true;
  }

  flush(clientAt: number): void {
    // Nothing said since the last Flush and nothing owed: answered here, in order, without Deepgram;
    // before the first upstream open it waits in line, so the `connected` status still comes first.
    if (this.owed.flush(clientAt, 1, this.connectedOnce)) this.output.flushed(1);
    this.advance();
  }

  /** Barge-in: nothing held, queued or in flight before this point reaches the client. */
  clear(): void {
    this.owed.clear();
    this.output.drop();
    if (this.upstream.closing) {
      // A link Deepgram is closing would drop the Clear; all that could still come on it is cleared audio.
      // Clears still unanswered on it go again on the new link, so each client Clear gets its Cleared.
      this.upstream.abort();
      this.openLinkWithClears();
    } else if (this.upstream.present || !this.busyTimer) {
      if (!this.upstream.present) this.openLink();
      this.upstream.send({ type: 'Clear' });
    }
    // Else Deepgram turned the link away a moment ago (429): the Clear goes on the one the retry opens.
    this.watchdog.watch(true);
    this.advance();
  }

  /** Client Close: everything held is still spoken and every answer awaited, then Close goes upstream. */
  close(): void {
    if (this.state === 'draining' || this.state === 'closing' || this.state === 'ended') return;
    this.state = 'draining';
    if (this.owed.needsFlush) this.owed.flush(Date.now(), 0);
    const graceMs = CLOSE_GRACE_MS + Math.max(this.settings.pace.textWindowMs, this.settings.pace.flushWindowMs);
    this.closeTimer = setTimeout(() => this.onCloseStalled(), Math.min(graceMs, MAX_TIMER_MS));
    this.advance();
  }

  pause(): void {
    this.upstream.pause();
  }

  resume(): void {
    this.upstream.resume();
    this.closeTimer?.refresh(); // the time paused for a slow client was not Deepgram's to use
  }

  /** Drops the upstream at once (the session is over). */
  abort(): void {
    this.state = 'ended';
    this.stopTimers();
    this.upstream.abort();
    this.owed.clear();
    this.output.drop();
    this.pacing.update();
  }

  onUpstreamOpen(): void {
    this.upstream.opened();
    this.busyRefusals = 0;
    if (this.state === 'connecting') this.state = 'open';
    if (!this.connectedOnce) {
      this.connectedOnce = true;
      this.host.speechConnected();
    }
    this.advance();
  }

  onUpstreamAudio(chunk: Buffer): void {
    this.silentSinceOwed = false;
    this.watchdog.frame();
    this.deepgramProgressed();
    if (this.owed.clearing) return; // audio of cleared text
    this.output.audio(chunk, this.owed.oldestFlushAt);
  }

  onUpstreamText(raw: string): void {
    const reply = parseUpstreamReply(raw);
    if (!reply) return this.log.warn('upstream sent a text frame that is not a typed JSON object');
    // Metadata comes unasked when a connection opens; anything else answers what we sent.
    if (reply.type !== 'Metadata') this.silentSinceOwed = false;
    this.watchdog.frame();
    switch (reply.type) {
      case 'Flushed':
        this.deepgramProgressed();
        // One Flushed per client Flush merged into this one; none for the gateway's own before a Close.
        this.output.flushed(this.owed.flushed());
        break;
      case 'Cleared':
        this.deepgramProgressed();
        this.owed.cleared();
        this.output.cleared();
        break;
      case 'Metadata':
        return this.output.metadata(raw);
      case 'Warning':
        this.output.warning(relayedWarning(reply, raw));
        if (isFlushLimitWarning(reply)) this.retryRefusedFlush();
        break;
      default:
        return this.unknownReply((reply as { type: string }).type);
    }
    this.watchdog.watch(this.owed.answersOwed);
    this.advance();
  }

  onUpstreamEnd(end: UpstreamEnd): void {
    this.output.sendAudio(); // what was read before the close
    this.upstream.ended();
    clearTimeout(this.paceTimer);
    if (this.state === 'ended') return;
    if (this.state === 'closing') return this.finish();
    const { failure } = end;
    // Its close crossed our Flushes: nothing of their text was spoken, so they are replayed like unflushed text.
    if (this.silentSinceOwed && isRestorable(failure, end.opened, false) && this.owed.requeueUnanswered()) {
      this.log.info({ code: failure.closeCode, reason: failure.reason }, 'upstream closed before answering; replaying');
    }
    // Deepgram's project is full: the open is tried again a few times before the session gives up. Clears
    // queued on the refused link go again on the next one; a Flushed owed from an older link (and not
    // voided by a Clear) would never come on a new one: then the session fails as before.
    if (isBusyRefusal(failure) && !this.owed.flushesOwed && this.busyRefusals < BUSY_RETRY_MS.length) {
      const retry_ms = BUSY_RETRY_MS[this.busyRefusals++];
      this.log.warn(
        { http_status: failure.httpStatus, retry_ms, request_id: end.requestId },
        'Deepgram busy (429); retrying',
      );
      if (this.state !== 'draining') this.state = 'dormant';
      this.busyTimer = setTimeout(() => this.retryAfterBusy(), retry_ms);
      return this.advance();
    }
    if (!isRestorable(failure, end.opened, this.owed.answersOwed) || this.reopens.loops(this.owed.pendingUpstream)) {
      const message = upstreamFailureMessage(failure);
      this.log.warn({ ...failure, request_id: end.requestId }, message);
      this.tap.upstreamError?.(failure);
      return this.host.speechFailed(message);
    }
    // Idle (NET-0001) or expired: reopened with the same parameters when something has to go upstream.
    this.log.info(
      { code: failure.closeCode, reason: failure.reason, detail: failure.detail },
      'upstream closed, will reopen on demand',
    );
    if (this.state !== 'draining') this.state = 'dormant';
    this.advance();
  }

  onRelayFault(error: Error): void {
    this.log.error({ err: error.message }, 'relay fault on the upstream path');
    this.host.speechFailed('internal relay error');
  }

  /** After every event: (re)open, pace text out, retire an old upstream, close once drained. */
  private advance(): void {
    if (this.state === 'closing' || this.state === 'ended') return;
    const now = Date.now();
    this.retireIfOld();
    if (!this.upstream.present && this.owed.pendingUpstream && !this.busyTimer) this.openLink();
    if (this.upstream.writable) this.pace(now);
    this.pacing.update();
    if (this.state === 'draining' && this.owed.settled) this.closeUpstream();
  }

  /** Writes what the allowances let through now, and wakes up when more may go. */
  private pace(now: number): void {
    clearTimeout(this.paceTimer);
    for (;;) {
      const owedBefore = this.owed.answersOwed;
      const step = this.owed.next(now);
      if (step.kind === 'answer') {
        this.output.flushed(step.flushes);
        continue;
      }
      if (step.kind === 'send') {
        this.upstream.send(step.message);
        if (step.message.type === 'Speak') this.tap.textSent(step.message.text.length);
        if (step.heldMs !== undefined) this.tap.textHeldFor?.(step.heldMs);
        if (step.message.type === 'Flush') {
          this.watchdog.watch(true);
          if (!owedBefore) this.silentSinceOwed = true;
        }
        continue;
      }
      if (step.kind === 'wait') {
        this.paceTimer = setTimeout(() => this.advance(), step.waitMs);
        if (step.forText) this.pacing.held(now);
      }
      break;
    }
    this.pacing.flushDeferred(this.owed.takeFlushDeferral());
  }

  private openLink(): void {
    this.reopens.opened();
    this.owed.newConnection();
    this.upstream.open();
    if (this.state === 'dormant' || this.state === 'open') this.state = 'connecting';
  }

  /** A new link on which the Clears still unanswered go first (the old link dropped or never sent them). */
  private openLinkWithClears(): void {
    this.openLink();
    for (let n = this.owed.clearsOwed; n > 0; n--) this.upstream.send({ type: 'Clear' });
  }

  private retryAfterBusy(): void {
    this.busyTimer = undefined;
    const idle = (this.state === 'dormant' || this.state === 'draining') && !this.upstream.present;
    // Before the first open the client still waits for `connected`: the link reopens, text or not. Clears
    // still owed never reached Deepgram (they went on a refused link): they go on this one, first.
    if (idle && (this.owed.clearsOwed > 0 || (!this.connectedOnce && this.state === 'dormant'))) {
      this.openLinkWithClears();
    }
    this.advance();
  }

  /** Replaces an upstream near Deepgram's lifetime limit while it owes nothing; the next need reopens. */
  private retireIfOld(): void {
    if (this.owed.answersOwed || !this.upstream.retireIfOld()) return;
    if (this.state === 'open') this.state = 'dormant';
  }

  /** Deepgram ignored our latest Flush and still holds its text: retried, so the client still gets its Flushed. */
  private retryRefusedFlush(): void {
    const retry_ms = this.owed.flushRefused(Date.now(), FLUSH_RETRY_MS);
    if (retry_ms !== undefined) this.log.warn({ retry_ms }, 'Deepgram refused a Flush over its limit; retrying');
  }

  private onAnswersLost(): void {
    this.log.warn('Deepgram left answers owed; given up');
    this.owed.forgetOwed();
    this.host.utteranceDelivered();
    this.advance();
  }

  /** Deepgram spoke or answered: the link is not looping, and a closing session waits on. */
  private deepgramProgressed(): void {
    this.reopens.progress();
    this.closeTimer?.refresh();
  }

  /**
   * A message type the relay does not know (an API change, or an error frame of a new shape) is not
   * relayed, and logged at warn level the first time in a session so operators see it (at most
   * MAX_UNKNOWN_TYPES distinct ones, each name cut to 40 characters).
   */
  private unknownReply(type: string): void {
    const name = type.slice(0, 40);
    if (this.unknownTypes.has(name) || this.unknownTypes.size >= MAX_UNKNOWN_TYPES) return;
    this.unknownTypes.add(name);
    this.log.warn({ type: name }, 'upstream sent a message type the relay does not know; not relayed');
  }

  /** Nothing moved for the whole grace after Close: what is still held or owed is given up, loudly. */
  private onCloseStalled(): void {
    // We paused the upstream for a slow client: no audio can come meanwhile (the slow-client timeout
    // bounds the pause), so that is not Deepgram's silence.
    if (this.upstream.isPaused) return void this.closeTimer?.refresh();
    const undelivered = { held_chars: this.owed.heldChars, answers_owed: this.owed.answersOwed };
    if (undelivered.held_chars > 0 || undelivered.answers_owed) {
      this.log.error(undelivered, 'upstream made no progress after Close; undelivered speech dropped');
    } else {
      this.log.warn('upstream did not close in time after Close');
    }
    this.abort();
    this.host.speechFinished();
  }

  private closeUpstream(): void {
    if (!this.upstream.present) return this.finish();
    this.state = 'closing';
    this.upstream.send({ type: 'Close' });
  }

  private finish(): void {
    this.state = 'ended';
    this.stopTimers();
    this.host.speechFinished();
  }

  private stopTimers(): void {
    clearTimeout(this.paceTimer);
    clearTimeout(this.closeTimer);
    this.closeTimer = undefined; // a cleared timer would come back on refresh()
    clearTimeout(this.busyTimer);
    this.watchdog.stop();
  }
}
