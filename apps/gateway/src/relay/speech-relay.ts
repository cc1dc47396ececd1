import { Logger } from 'pino';
import { SessionConfig, UpstreamCloseCode } from '@tts/protocol';
import { SessionTap } from '../session/session-hooks';
import { UpstreamConnection, UpstreamEnd, UpstreamListener } from '../upstream/upstream-connection';
import { AudioFramer } from './audio-framer';
import { FlushScheduler } from './flush-scheduler';
import { RelaySettings } from './relay-settings';
import { splitSpeakText } from './speak-splitter';
import { TextLedger } from './text-ledger';
import { ReplyNumbering, isFlushLimitWarning, parseUpstreamReply } from './upstream-replies';

/** What the speech relay needs from its client session. */
export interface SpeechRelayHost {
  /** The upstream opened for the first time. */
  speechConnected(): void;
  sendAudio(frame: Buffer, sampleBytes: number): void;
  /** A Deepgram message passed through verbatim. */
  sendUpstreamText(raw: string): void;
  /** An utterance was fully delivered (Flushed or Cleared): the session is quiet again from here. */
  utteranceDelivered(): void;
  notice(message: string): void;
  /** The upstream finished after our Close: all audio was delivered. */
  speechFinished(): void;
  /** The upstream refused or dropped the connection and it could not be restored. */
  speechFailed(message: string): void;
}

/** Close codes after which a reconnect would silently lose what Deepgram rejected. */
const UNRESTORABLE_CODES: readonly number[] = [
  UpstreamCloseCode.UnsupportedData,
  UpstreamCloseCode.PolicyViolation,
  UpstreamCloseCode.MessageTooBig,
];
/** How long a Close may wait for the audio still owed before the session ends anyway. */
const CLOSE_GRACE_MS = 120_000;
/** Deepgram silent this long while it owes a Flushed or Cleared: the answer is taken as lost. */
const ANSWER_STALL_MS = 30_000;

/**
 * The upstream side of one session: one Deepgram connection at a time (reopened when Deepgram ends an
 * idle or expired one), Flush budget, barge-in, and the audio path to the client.
 */
export class SpeechRelay implements UpstreamListener {
  private upstream?: UpstreamConnection;
  private connectedOnce = false;
  private paused = false;
  private readonly framer: AudioFramer;
  private readonly flushes = new FlushScheduler((clientAt) => this.sendFlush(clientAt));
  private readonly text = new TextLedger();
  private firstAudioSeen = false;
  private clearsInFlight = 0;
  private closing = false;
  private closeTimer?: NodeJS.Timeout;
  private answerTimer?: NodeJS.Timeout;
  /** Upstream frames received: the answer watchdog compares it instead of a timer refresh per audio chunk. */
  private upstreamFrames = 0;
  private upstreamFramesAtWatch = 0;
  private readonly numbering = new ReplyNumbering();

  constructor(
    private readonly settings: RelaySettings,
    private readonly config: SessionConfig,
    private readonly tap: SessionTap,
    private readonly host: SpeechRelayHost,
    private readonly log: Logger,
  ) {
    this.framer = new AudioFramer(config.encoding, config.sample_rate, config.container);
  }

  connect(): void {
    this.ensureUpstream();
  }

  /** True while the client is still owed audio or an answer (a Flush or Clear in flight, or deferred). */
  get busy(): boolean {
    return this.outstanding || this.flushes.pending;
  }

  /** Deepgram owes a Flushed or a Cleared. */
  private get outstanding(): boolean {
    return this.text.owedFlushes > 0 || this.clearsInFlight > 0;
  }

  /** Queues text upstream; false when the session already holds too much unflushed text. */
  speak(text: string): boolean {
    if (this.text.unflushedChars + text.length > this.settings.maxQueuedTextChars) return false;
    const upstream = this.ensureUpstream();
    for (const piece of splitSpeakText(text)) {
      upstream.send({ type: 'Speak', text: piece });
      this.text.spoke(piece);
    }
    this.text.counted(text.length);
    this.tap.textSent(text.length);
    return true;
  }

  flush(clientAt: number): void {
    const waitMs = this.flushes.request(clientAt);
    if (waitMs <= 0) return;
    this.host.notice(
      `Flush deferred ${Math.ceil(waitMs / 1000)} s: Deepgram allows 20 Flushes per minute; further Flushes merge into it`,
    );
  }

  /** Barge-in: nothing queued or in flight before this point reaches the client. */
  clear(): void {
    this.flushes.cancel();
    this.text.clear();
    this.firstAudioSeen = false;
    this.framer.reset();
    this.clearsInFlight++;
    this.ensureUpstream().send({ type: 'Clear' });
    this.watchAnswers();
  }

  /**
   * Client Close: flush what is queued and wait for every Flushed before closing upstream, because
   * Deepgram's Close drops audio not yet sent.
   */
  close(): void {
    this.closing = true;
    this.closeTimer = setTimeout(() => {
      this.log.warn('upstream did not finish in time after Close');
      this.terminate();
      this.host.speechFinished();
    }, CLOSE_GRACE_MS);
    if (this.text.unflushedChars > 0 && !this.flushes.pending) this.flush(Date.now());
    this.closeWhenDrained();
  }

  pause(): void {
    this.paused = true;
    this.upstream?.pause();
  }

  resume(): void {
    this.paused = false;
    this.upstream?.resume();
  }

  terminate(): void {
    this.flushes.cancel();
    clearTimeout(this.closeTimer);
    clearTimeout(this.answerTimer);
    this.upstream?.terminate();
    this.upstream = undefined;
  }

  onUpstreamOpen(): void {
    this.flushes.opened();
    if (this.connectedOnce) return;
    this.connectedOnce = true;
    this.host.speechConnected();
  }

  onUpstreamAudio(chunk: Buffer): void {
    this.upstreamFrames++;
    if (this.clearsInFlight > 0) return; // audio of cleared text
    const frame = this.framer.frame(chunk);
    if (!frame) return;
    const flushAt = this.text.oldestFlushAt;
    if (!this.firstAudioSeen && flushAt !== undefined) {
      this.firstAudioSeen = true;
      this.tap.flushLatency?.(Date.now() - flushAt);
    }
    this.host.sendAudio(frame, this.framer.lastSampleBytes);
  }

  onUpstreamText(raw: string): void {
    const reply = parseUpstreamReply(raw);
    if (!reply) return this.log.warn('upstream sent a text frame that is not a JSON object');
    this.upstreamFrames++;
    const { type } = reply;
    if (type === 'Flushed') {
      // Before the Cleared, a Flushed answers a flush sent before the Clear: already forgotten.
      if (this.clearsInFlight === 0) this.text.answered();
      this.flushes.answered();
      this.firstAudioSeen = false;
      this.host.utteranceDelivered();
    } else if (type === 'Cleared') {
      if (this.clearsInFlight > 0) this.clearsInFlight--;
      this.framer.reset();
      this.host.utteranceDelivered();
    } else if (type === 'Warning') {
      if (this.text.owedFlushes > 0 && isFlushLimitWarning(reply)) this.retryRefusedFlush();
    } else if (type !== 'Metadata') {
      return this.log.debug({ type }, 'upstream message type not relayed');
    }
    const frame = this.numbering.forClient(reply, raw);
    if (frame !== undefined) this.host.sendUpstreamText(frame);
    if (type === 'Flushed' || type === 'Cleared') this.answered();
  }

  onUpstreamEnd(end: UpstreamEnd): void {
    this.upstream = undefined;
    const outstanding = this.outstanding;
    // A deferred Flush still goes out, on a reopened connection with its text replayed.
    if (this.closing && !outstanding && !this.flushes.pending) return this.finishClosing();
    if (!end.opened) {
      const message = end.status
        ? `Deepgram refused the connection (HTTP ${end.status}): ${end.reason}`
        : `could not connect to Deepgram: ${end.reason}`;
      return this.fail(message, end);
    }
    if (!outstanding && !UNRESTORABLE_CODES.includes(end.code)) {
      // Idle (NET-0001) or expired: reopened with the same parameters on the next message.
      return this.log.info({ code: end.code, reason: end.reason }, 'upstream closed, will reopen on demand');
    }
    this.fail(`Deepgram closed the connection (${end.code}${end.reason ? ` ${end.reason}` : ''})`, end);
  }

  onRelayFault(error: Error): void {
    this.log.error({ err: error.message }, 'relay fault on the upstream path');
    this.host.speechFailed('internal relay error');
  }

  private fail(message: string, end: UpstreamEnd): void {
    this.log.warn({ code: end.code, status: end.status, request_id: end.requestId, reason: end.reason }, message);
    this.tap.upstreamError?.(message); // with the HTTP status or close code, which metrics classify by
    this.host.speechFailed(message);
  }

  private ensureUpstream(): UpstreamConnection {
    this.retireIfOld();
    if (this.upstream) return this.upstream;
    this.flushes.connecting();
    const upstream = new UpstreamConnection(
      this.settings.upstream,
      this.config,
      this.settings.upstreamConnectTimeoutMs,
      this,
    );
    this.upstream = upstream;
    if (this.paused) upstream.pause();
    for (const text of this.text.unflushed) upstream.send({ type: 'Speak', text });
    return upstream;
  }

  private sendFlush(clientAt: number): void {
    const upstream = this.ensureUpstream();
    upstream.send({ type: 'Flush' });
    this.flushes.sent(!upstream.isOpen);
    this.text.flushed(clientAt);
    this.watchAnswers();
  }

  /**
   * Deepgram ignored our latest Flush (over its limit by its own count) and still holds its text: the
   * text counts as unflushed again and the Flush is retried, so the client still gets its Flushed
   * and nothing waits for an answer that will never come.
   */
  private retryRefusedFlush(): void {
    const retryMs = this.flushes.refused(this.text.refused());
    this.log.warn({ retry_ms: retryMs }, 'Deepgram refused a Flush over its limit; retrying');
  }

  /** A Flushed or Cleared arrived. */
  private answered(): void {
    this.watchAnswers();
    this.closeWhenDrained();
    this.retireIfOld();
  }

  /** Replaces an upstream near Deepgram's lifetime limit while it owes nothing; the next message reopens. */
  private retireIfOld(): void {
    const upstream = this.upstream;
    if (!upstream || this.closing || this.outstanding || upstream.ageMs <= this.settings.upstreamMaxAgeMs) return;
    this.log.info({ age_ms: upstream.ageMs }, 'retiring an old upstream connection before its lifetime limit');
    upstream.retire();
    this.upstream = undefined;
  }

  /**
   * Last resort: an answer Deepgram never sends must not keep the session busy, or Close pending, forever.
   * Given up after one to two ANSWER_STALL_MS windows in which the upstream sent nothing at all.
   */
  private watchAnswers(): void {
    if (!this.outstanding) {
      clearTimeout(this.answerTimer);
      this.answerTimer = undefined;
    } else if (!this.answerTimer) {
      this.upstreamFramesAtWatch = this.upstreamFrames;
      this.answerTimer = setTimeout(() => this.onAnswerStalled(), ANSWER_STALL_MS);
    }
  }

  private onAnswerStalled(): void {
    this.answerTimer = undefined;
    // Silent because we stopped reading, or not silent at all: watch another window.
    if (this.paused || this.upstreamFrames !== this.upstreamFramesAtWatch) return this.watchAnswers();
    const owed = { flushes: this.text.owedFlushes, clears: this.clearsInFlight };
    this.log.warn(owed, 'Deepgram left answers owed; given up');
    this.text.forgetOwed();
    this.clearsInFlight = 0;
    this.host.utteranceDelivered();
    this.closeWhenDrained();
  }

  private closeWhenDrained(): void {
    if (!this.closing || this.flushes.pending || this.outstanding) return;
    if (!this.upstream) return this.finishClosing();
    this.upstream.send({ type: 'Close' });
  }

  private finishClosing(): void {
    clearTimeout(this.closeTimer);
    this.host.speechFinished();
  }
}
