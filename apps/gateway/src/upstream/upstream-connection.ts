import { IncomingMessage } from 'http';
import WebSocket from 'ws';
import { Upstream } from '@tts/config';
import { DG_ERROR_HEADER, DG_REQUEST_ID_HEADER, SessionConfig, UpstreamClientMessage } from '@tts/protocol';
import { upstreamUrl } from './upstream-url';

/** Why an upstream connection ended. `reason` is Deepgram's words (never our key). */
export interface UpstreamEnd {
  code: number;
  reason: string;
  /** False when the connection never opened (refused upgrade, network error, timeout). */
  opened: boolean;
  /** HTTP status of a refused upgrade. */
  status?: number;
  requestId?: string;
}

export interface UpstreamListener {
  onUpstreamOpen(): void;
  onUpstreamAudio(chunk: Buffer): void;
  onUpstreamText(raw: string): void;
  onUpstreamEnd(end: UpstreamEnd): void;
  /** Our own code threw while handling an upstream message (a bug): the session must end, not the process. */
  onRelayFault(error: Error): void;
}

const RETIRE_GRACE_MS = 5000;

/** One websocket to Deepgram's /v1/speak for one session; messages sent while connecting are queued. */
export class UpstreamConnection {
  private readonly socket: WebSocket;
  private readonly queued: string[] = [];
  private opened = false;
  private openedAt = 0;
  private ended = false;
  /** Replaced by a fresh connection: its late events are no longer the session's business. */
  private retired = false;
  private refusal?: Pick<UpstreamEnd, 'status' | 'requestId' | 'reason'>;
  private failure?: string;
  private readonly connectTimer: NodeJS.Timeout;

  constructor(upstream: Upstream, config: SessionConfig, connectTimeoutMs: number, listener: UpstreamListener) {
    this.socket = new WebSocket(upstreamUrl(upstream.url, config), {
      headers: { Authorization: `Token ${upstream.apiKey}` },
      perMessageDeflate: false,
    });
    this.connectTimer = setTimeout(() => this.fail('upstream connect timeout'), connectTimeoutMs);
    this.socket.on('open', () => {
      clearTimeout(this.connectTimer);
      this.opened = true;
      this.openedAt = Date.now();
      for (const data of this.queued) this.socket.send(data);
      this.queued.length = 0;
      listener.onUpstreamOpen();
    });
    this.socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.retired) return;
      try {
        if (isBinary) listener.onUpstreamAudio(data);
        else listener.onUpstreamText(data.toString());
      } catch (error) {
        listener.onRelayFault(error as Error);
      }
    });
    this.socket.on('unexpected-response', (_req, res: IncomingMessage) => this.refused(res));
    this.socket.on('error', (err) => {
      this.failure ??= err.message;
    });
    this.socket.on('close', (code: number, reason: Buffer) => {
      clearTimeout(this.connectTimer);
      if (this.ended) return;
      this.ended = true;
      if (!this.retired) listener.onUpstreamEnd(this.describeEnd(code, reason.toString()));
    });
  }

  get isOpen(): boolean {
    return this.opened && !this.ended;
  }

  /** Milliseconds since the connection opened (0 while connecting). */
  get ageMs(): number {
    return this.opened ? Date.now() - this.openedAt : 0;
  }

  send(message: UpstreamClientMessage): void {
    const data = JSON.stringify(message);
    if (this.opened) {
      if (this.socket.readyState === WebSocket.OPEN) this.socket.send(data);
    } else if (!this.ended) {
      this.queued.push(data);
    }
  }

  /** Stops reading from Deepgram (the client reads slowly); TCP backpressure does the rest. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /**
   * Closes a connection that owes nothing, without telling the listener: the session has moved to a
   * fresh one. Terminated if Deepgram does not answer the Close in time.
   */
  retire(): void {
    this.retired = true;
    this.send({ type: 'Close' });
    setTimeout(() => this.terminate(), RETIRE_GRACE_MS).unref();
  }

  /** Drops the connection without waiting for the upstream (the session is over). */
  terminate(): void {
    clearTimeout(this.connectTimer);
    this.ended = true;
    this.socket.terminate();
  }

  private refused(res: IncomingMessage): void {
    const header = (name: string) => {
      const value = res.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    this.refusal = {
      status: res.statusCode,
      requestId: header(DG_REQUEST_ID_HEADER),
      reason: header(DG_ERROR_HEADER) ?? res.statusMessage ?? 'upgrade refused',
    };
    res.resume();
    this.socket.terminate();
  }

  private fail(reason: string): void {
    this.failure = reason;
    this.socket.terminate();
  }

  private describeEnd(code: number, reason: string): UpstreamEnd {
    if (this.refusal) return { code, opened: false, ...this.refusal, reason: this.refusal.reason };
    return { code, reason: reason || this.failure || 'connection lost', opened: this.opened };
  }
}
