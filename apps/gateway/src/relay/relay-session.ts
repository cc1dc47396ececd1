import { isUtf8 } from 'buffer';
import { randomUUID } from 'crypto';
import { IncomingMessage } from 'http';
import { Logger } from 'pino';
import WebSocket from 'ws';
import { bytesToSeconds } from '@tts/audio';
import {
  ClientMessage,
  CloseCode,
  ConfigInput,
  ErrorCode,
  SessionConfig,
  SessionError,
  closeCodeFor,
  closedStatus,
  connectedStatus,
  errorFrame,
  isFatal,
  parseClientMessage,
  parseStreamQuery,
  resolveSessionConfig,
} from '@tts/protocol';
import { ActiveSessions } from '../session/active-sessions.service';
import { SessionHooks } from '../session/session-hooks.service';
import { SessionControl, SessionInfo, SessionRelease, SessionTap } from '../session/session-hooks';
import { TickWrites } from '../tick-writes';
import { UpstreamPool } from '../upstream/upstream-pool';
import { ClientBackpressure } from './client-backpressure';
import { MessageRateLimit } from './message-rate-limit';
import { RateLimitNotices } from './rate-limit-notices';
import { RelaySettings } from './relay-settings';
import { releaseAll, runAdmissions, startTaps } from './session-extensions';
import { SpeechRelay } from './speech-relay';
import { SpeechRelayHost } from './speech-relay-host';

export interface RelayDeps {
  settings: RelaySettings;
  hooks: SessionHooks;
  sessions: ActiveSessions;
  log: Logger;
  /** Warm upstream connections; opens a fresh one when it has none for the session. */
  pool: UpstreamPool;
}

type Frame = [data: Buffer, isBinary: boolean];
const SLOW_CLIENT_CLOSE_GRACE_MS = 2000;

/** One client connection, from upgrade to close: admissions, config, client messages, ending. */
export class RelaySession implements SpeechRelayHost, SessionControl {
  private readonly connectionId = randomUUID();
  private log: Logger;
  private info?: SessionInfo;
  private admitted = false;
  private readonly held: Frame[] = [];
  private releases: SessionRelease[] = [];
  private config?: SessionConfig;
  private tap?: SessionTap;
  private speech?: SpeechRelay;
  private readonly rateLimit: MessageRateLimit;
  private readonly rateLimitNotices = new RateLimitNotices((frame) => this.sendJson(frame));
  private readonly backpressure: ClientBackpressure;
  /** What this session writes to its client within one tick leaves in one write(2). */
  private readonly writes: TickWrites;
  private idleTimer?: NodeJS.Timeout;
  private closeRequested = false;
  private ended = false;
  private audioBytes = 0;
  private tapsEnded: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: WebSocket,
    private readonly request: IncomingMessage,
    private readonly deps: RelayDeps,
  ) {
    this.log = deps.log.child({ connection_id: this.connectionId });
    this.rateLimit = new MessageRateLimit(deps.settings.messagesPerSecond, deps.settings.messageBurst);
    // The upgrade request's socket is the one ws took over for this client (public on both sides).
    // Its send buffer is judged once the tick's frames are with it: while it is corked it holds them
    // all, and a client that keeps up would read as behind.
    this.writes = new TickWrites(request.socket, () => {
      if (!this.ended) this.backpressure.check();
    });
    this.backpressure = new ClientBackpressure(client, request.socket, deps.settings, {
      pause: () => this.speech?.pause(),
      resume: () => this.speech?.resume(),
      tooSlow: () => this.endTooSlow(),
    });
  }

  /** Must run synchronously on 'connection': frames arriving during admission are held, not lost. */
  start(): void {
    this.client.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    this.client.on('close', (code: number) => this.onClientClosed(code));
    this.client.on('error', (err) => this.log.debug({ err: err.message }, 'client socket error'));
    const parsed = parseStreamQuery(new URL(this.request.url ?? '/', 'http://gateway').searchParams);
    if (!parsed.ok) return this.terminate(ErrorCode.InvalidRequest, parsed.message);
    const { query } = parsed;
    this.log = this.log.child({ company_id: query.company_id, session_id: query.session_id, user_id: query.user_id });
    this.info = {
      connectionId: this.connectionId,
      gatewayId: this.deps.settings.gatewayId,
      query,
      request: this.request,
      openedAt: new Date(),
    };
    this.deps.sessions.admissionStarted();
    void this.admit(this.info).finally(() => this.deps.sessions.admissionSettled());
  }

  /** SessionControl: error frame, then the code's close code (non-fatal codes only send the frame). */
  terminate(code: ErrorCode, message: string): void {
    if (this.ended) return;
    this.sendJson(errorFrame(code, message));
    if (!isFatal(code)) return;
    this.log.info({ code }, 'session ended with an error');
    this.end();
    this.client.close(closeCodeFor(code), code);
    this.writes.flush(); // a shutdown may destroy the socket in this same tick
  }

  speechConnected(): void {
    this.sendJson(connectedStatus(this.config!));
  }

  sendAudio(frame: Buffer, sampleBytes: number): void {
    if (this.ended || this.client.readyState !== WebSocket.OPEN) return;
    this.writes.hold();
    this.client.send(frame);
    this.audioBytes += sampleBytes;
    this.tap!.audioDelivered(sampleBytes);
  }

  sendText(raw: string): void {
    if (this.client.readyState !== WebSocket.OPEN) return;
    this.writes.hold();
    this.client.send(raw);
  }

  utteranceDelivered(): void {
    this.idleTimer?.refresh();
  }

  sendRateLimited(message: string): void {
    this.rateLimitNotices.report(message, 0);
  }

  speechFinished(): void {
    void this.finish();
  }

  speechFailed(message: string): void {
    this.terminate(ErrorCode.UpstreamError, message);
  }

  private async admit(info: SessionInfo): Promise<void> {
    try {
      this.releases = await runAdmissions(this.deps.hooks.admissions, info);
    } catch (error) {
      if (error instanceof SessionError) return this.terminate(error.code, error.message);
      this.log.error({ err: (error as Error).message }, 'admission failed unexpectedly');
      return this.terminate(ErrorCode.UpstreamError, 'the session could not be started, please retry');
    }
    if (this.ended) return void releaseAll(this.releases);
    // The drain began while the admission ran: nothing has happened yet, so the client moves on at once.
    if (!this.deps.sessions.add(info, this)) {
      return this.terminate(ErrorCode.ServerShutdown, 'this server is shutting down, reconnect');
    }
    this.admitted = true;
    this.idleTimer = setTimeout(() => this.onIdle(), this.deps.settings.idleTimeoutMs);
    this.log.info('session admitted');
    for (const [data, isBinary] of this.held.splice(0)) {
      if (this.ended) break;
      this.handleFrameSafely(data, isBinary);
    }
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (this.ended) return;
    const verdict = this.rateLimit.admit(data, isBinary);
    if (verdict !== 'admitted') {
      const clear = verdict === 'dropped-clear' ? 1 : 0;
      return this.rateLimitNotices.report('too many messages per second; messages dropped', 1, clear);
    }
    if (this.admitted) this.handleFrameSafely(data, isBinary);
    else this.held.push([data, isBinary]);
  }

  /** A bug in the relay or an extension (a throwing tap) ends this session, never the process. */
  private handleFrameSafely(data: Buffer, isBinary: boolean): void {
    try {
      this.handleFrame(data, isBinary);
    } catch (error) {
      this.log.error({ err: (error as Error).message }, 'relay fault on a client message');
      this.terminate(ErrorCode.UpstreamError, 'internal relay error');
    }
  }

  private handleFrame(data: Buffer, isBinary: boolean): void {
    if (this.closeRequested) return;
    this.idleTimer?.refresh();
    if (isBinary) {
      return this.sendJson(errorFrame(ErrorCode.InvalidMessage, 'binary frames are not accepted; send JSON text'));
    }
    if (!isUtf8(data)) return this.sendJson(errorFrame(ErrorCode.InvalidJson, 'text frame is not valid UTF-8'));
    const parsed = parseClientMessage(data.toString());
    if (!parsed.ok) return this.sendJson(errorFrame(parsed.code, parsed.message));
    const message = parsed.message;
    if (!this.speech) {
      if (!this.configure(message.type === 'Config' ? message.config : {})) return;
      if (message.type === 'Config') return;
    } else if (message.type === 'Config') {
      return this.sendJson(errorFrame(ErrorCode.ConfigNotFirst, 'Config is only accepted as the first message'));
    }
    this.dispatch(message);
  }

  /** Settles the session's voice and format, starts the observers and opens the upstream right away. */
  private configure(input: ConfigInput): boolean {
    const resolved = resolveSessionConfig(input, this.info!.query.language);
    if (!resolved.ok) {
      this.terminate(ErrorCode.InvalidRequest, resolved.message);
      return false;
    }
    const config = (this.config = resolved.config);
    this.log = this.log.child({ model: config.model });
    this.tap = startTaps(this.deps.hooks.observers, this.info!, config, this);
    this.speech = new SpeechRelay(this.deps.settings, config, this.tap, this, this.log, (listener) =>
      this.deps.pool.open(config, listener),
    );
    this.speech.connect();
    return true;
  }

  private dispatch(message: ClientMessage): void {
    const speech = this.speech!;
    switch (message.type) {
      case 'Speak':
        if (!speech.speak(message.text)) {
          this.rateLimitNotices.report('too much text held or queued without a Flush; Speak dropped', 1);
        }
        return;
      case 'Flush':
        return speech.flush(Date.now());
      case 'Clear':
        return speech.clear();
      case 'Close':
        this.closeRequested = true;
        clearTimeout(this.idleTimer);
        return speech.close();
    }
  }

  /**
   * Normal end after Close: every tap has its final usage before the client sees `closed`. The session
   * stays registered until then, so a drain waits for its `closed` instead of closing the server under it.
   */
  private async finish(): Promise<void> {
    if (this.ended) return;
    this.release();
    await this.tapsEnded;
    const config = this.config!;
    const seconds = bytesToSeconds(this.audioBytes, config.encoding, config.sample_rate);
    this.sendJson(closedStatus({ audio_bytes: this.audioBytes, seconds: Math.round(seconds * 1e6) / 1e6 }));
    this.client.close(CloseCode.Normal);
    this.writes.flush();
    this.unregister();
  }

  /** Idle means nobody is talking and nobody is listening: a client still receiving audio is not idle. */
  private onIdle(): void {
    if (this.speech?.busy) return void this.idleTimer?.refresh();
    this.terminate(ErrorCode.IdleTimeout, `no message for ${this.deps.settings.idleTimeoutMs} ms`);
  }

  private endTooSlow(): void {
    if (this.ended) return;
    this.log.warn({ buffered: this.client.bufferedAmount }, 'client too slow, disconnecting');
    this.end();
    this.client.close(CloseCode.PolicyViolation, 'client too slow');
    setTimeout(() => this.client.terminate(), SLOW_CLIENT_CLOSE_GRACE_MS).unref();
  }

  private onClientClosed(code: number): void {
    if (this.ended) return;
    this.log.info({ code }, 'client disconnected');
    this.end();
  }

  /** Releases everything the session holds and takes it off the active sessions, once. */
  private end(): void {
    this.release();
    this.unregister();
  }

  /**
   * Releases everything the session holds, once; taps end unless `finish` awaits them itself.
   * Admissions (the concurrency lease) are released first: a client reconnecting at its company's
   * limit must not wait for the final usage hand-off, which may take seconds.
   */
  private release(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    this.backpressure.stop();
    this.rateLimitNotices.sendPending(); // what was counted, before the final frames
    this.speech?.abort();
    void releaseAll(this.releases);
    this.tapsEnded = (this.tap?.end() ?? Promise.resolve()).catch((err: Error) =>
      this.log.error({ err: err.message }, 'session tap failed to end'),
    );
    this.log.info({ audio_bytes: this.audioBytes }, 'session ended');
  }

  /** Off the active sessions (what a drain waits for and a cut-off reaches). */
  private unregister(): void {
    if (this.admitted) this.deps.sessions.remove(this.connectionId);
  }

  /** An error frame or status; a close right after it (same tick) leaves in the same write. */
  private sendJson(frame: object): void {
    if (this.client.readyState !== WebSocket.OPEN) return;
    this.writes.hold();
    this.client.send(JSON.stringify(frame));
  }
}
