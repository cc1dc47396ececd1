import { Logger } from 'pino';
import { SessionConfig, UpstreamCloseCode } from '@tts/protocol';
import { SessionTap } from '../session/session-hooks';
import { UpstreamConnection, UpstreamEnd, UpstreamListener } from '../upstream/upstream-connection';
import { AudioFramer } from './audio-framer';
import { FlushBudget } from './flush-budget';
import { RelaySettings } from './relay-settings';
import { splitSpeakText } from './speak-splitter';

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

/**
 * The upstream side of one session: one Deepgram connection at a time (reopened when Deepgram ends an
 * idle or expired one), Flush budget, barge-in, and the audio path to the client.
 */
export class SpeechRelay implements UpstreamListener {
  private upstream?: UpstreamConnection;
  private connectedOnce = false;
  private paused = false;
  private readonly framer: AudioFramer;
  private readonly budget = new FlushBudget();
  /** Text sent since the last Flush: replayed if the connection has to be reopened. */
  private unflushed: string[] = [];
  private unflushedChars = 0;
  private deferredFlush?: { timer: NodeJS.Timeout; clientAt: number };
  /** Client Flush times of the flushes Deepgram has not answered yet, oldest first. */
  private flushTimes: number[] = [];
  private firstAudioSeen = false;
  private clearsInFlight = 0;
  private closing = false;
  private closeTimer?: NodeJS.Timeout;

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
    return this.flushTimes.length > 0 || this.clearsInFlight > 0 || this.deferredFlush !== undefined;
  }

  /** Queues text upstream; false when the session already holds too much unflushed text. */
  speak(text: string): boolean {
    if (this.unflushedChars + text.length > this.settings.maxQueuedTextChars) return false;
    const upstream = this.ensureUpstream();
    for (const piece of splitSpeakText(text)) {
      upstream.send({ type: 'Speak', text: piece });
      this.unflushed.push(piece);
    }
    this.unflushedChars += text.length;
    this.tap.textSent(text.length);
    return true;
  }

  flush(clientAt: number): void {
    if (this.deferredFlush) return; // merged into the deferred one
    const waitMs = this.budget.waitMs(clientAt);
    if (waitMs === 0) return this.sendFlush(clientAt);
    const timer = setTimeout(() => {
      this.deferredFlush = undefined;
      this.sendFlush(clientAt);
    }, waitMs);
    this.deferredFlush = { timer, clientAt };
    this.host.notice(
      `Flush deferred ${Math.ceil(waitMs / 1000)} s: Deepgram allows 20 Flushes per minute; further Flushes merge into it`,
    );
  }

  /** Barge-in: nothing queued or in flight before this point reaches the client. */
  clear(): void {
    this.cancelDeferredFlush();
    this.unflushed = [];
    this.unflushedChars = 0;
    this.flushTimes = [];
    this.firstAudioSeen = false;
    this.framer.reset();
    this.clearsInFlight++;
    this.ensureUpstream().send({ type: 'Clear' });
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
    if (this.unflushedChars > 0 && !this.deferredFlush) this.flush(Date.now());
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
    this.cancelDeferredFlush();
    clearTimeout(this.closeTimer);
    this.upstream?.terminate();
    this.upstream = undefined;
  }

  onUpstreamOpen(): void {
    if (this.connectedOnce) return;
    this.connectedOnce = true;
    this.host.speechConnected();
  }

  onUpstreamAudio(chunk: Buffer): void {
    if (this.clearsInFlight > 0) return; // audio of cleared text
    const frame = this.framer.frame(chunk);
    if (!frame) return;
    if (!this.firstAudioSeen && this.flushTimes.length > 0) {
      this.firstAudioSeen = true;
      this.tap.flushLatency?.(Date.now() - this.flushTimes[0]);
    }
    this.host.sendAudio(frame, this.framer.lastSampleBytes);
  }

  onUpstreamText(raw: string): void {
    let type: unknown;
    try {
      type = (JSON.parse(raw) as { type?: unknown }).type;
    } catch {
      return this.log.warn('upstream sent a text frame that is not JSON');
    }
    if (type === 'Flushed') {
      // Before the Cleared, a Flushed answers a flush sent before the Clear: already forgotten.
      if (this.clearsInFlight === 0) this.flushTimes.shift();
      this.firstAudioSeen = false;
      this.host.utteranceDelivered();
    } else if (type === 'Cleared') {
      if (this.clearsInFlight > 0) this.clearsInFlight--;
      this.framer.reset();
      this.host.utteranceDelivered();
    } else if (type !== 'Metadata' && type !== 'Warning') {
      return this.log.debug({ type }, 'upstream message type not relayed');
    }
    this.host.sendUpstreamText(raw);
    if (type !== 'Metadata' && type !== 'Warning') this.closeWhenDrained();
  }

  onUpstreamEnd(end: UpstreamEnd): void {
    this.upstream = undefined;
    const outstanding = this.flushTimes.length > 0 || this.clearsInFlight > 0;
    if (this.closing && !outstanding) return this.finishClosing();
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
    if (this.upstream) return this.upstream;
    const upstream = new UpstreamConnection(
      this.settings.upstream,
      this.config,
      this.settings.upstreamConnectTimeoutMs,
      this,
    );
    this.upstream = upstream;
    if (this.paused) upstream.pause();
    for (const text of this.unflushed) upstream.send({ type: 'Speak', text });
    return upstream;
  }

  private sendFlush(clientAt: number): void {
    this.ensureUpstream().send({ type: 'Flush' });
    this.budget.record();
    this.flushTimes.push(clientAt);
    this.unflushed = [];
    this.unflushedChars = 0;
  }

  private closeWhenDrained(): void {
    if (!this.closing || this.deferredFlush || this.flushTimes.length > 0 || this.clearsInFlight > 0) return;
    if (!this.upstream) return this.finishClosing();
    this.upstream.send({ type: 'Close' });
  }

  private finishClosing(): void {
    clearTimeout(this.closeTimer);
    this.host.speechFinished();
  }

  private cancelDeferredFlush(): void {
    if (!this.deferredFlush) return;
    clearTimeout(this.deferredFlush.timer);
    this.deferredFlush = undefined;
  }
}
