import { IncomingMessage } from 'http';
import WebSocket from 'ws';
import { Upstream } from '@tts/config';
import { DG_ERROR_HEADER, DG_REQUEST_ID_HEADER, SessionConfig, UpstreamClientMessage } from '@tts/protocol';
import { TickWrites } from '../tick-writes';
import { UpstreamFailure } from './upstream-failure';
import { upstreamTransport } from './upstream-tls';
import { upstreamUrl } from './upstream-url';

/** How a connection ended: what it would mean as a failure, and whether it ever opened. */
export interface UpstreamEnd {
  opened: boolean;
  failure: UpstreamFailure;
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
/** Close code of a connection that vanished without a close frame. */
const ABNORMAL_CLOSURE = 1006;

/** One websocket to Deepgram's /v1/speak for one session; messages sent while connecting are queued. */
export class UpstreamConnection {
  private readonly socket: WebSocket;
  private readonly queued: string[] = [];
  private opened = false;
  private openedAt = 0;
  private ended = false;
  /** Replaced by a fresh connection: its late events are no longer the session's business. */
  private retired = false;
  private refusal?: { httpStatus?: number; dgError?: string; requestId?: string };
  /** The first socket error: its code for the client (`reason`), its text (hosts, addresses) for our log. */
  private networkError?: { reason: string; detail: string };
  private timedOut = false;
  /** Paused by the session (its client is behind); ws cannot pause a socket that is still connecting. */
  private paused = false;
  private readonly connectTimer: NodeJS.Timeout;
  /** Set at the upgrade: what goes to Deepgram within one tick (a Speak and its Flush) leaves in one write(2). */
  private writes?: TickWrites;

  constructor(upstream: Upstream, config: SessionConfig, connectTimeoutMs: number, listener: UpstreamListener) {
    const url = upstreamUrl(upstream.url, config);
    this.socket = new WebSocket(url, {
      headers: { Authorization: `Token ${upstream.apiKey}` },
      perMessageDeflate: false,
      ...upstreamTransport(url),
    });
    this.connectTimer = setTimeout(() => {
      this.timedOut = true;
      this.socket.terminate();
    }, connectTimeoutMs);
    // The response's socket is the one ws goes on writing to (public on IncomingMessage).
    this.socket.on('upgrade', (res: IncomingMessage) => (this.writes = new TickWrites(res.socket)));
    this.socket.on('open', () => {
      clearTimeout(this.connectTimer);
      this.opened = true;
      this.openedAt = Date.now();
      if (this.paused) this.socket.pause();
      if (this.queued.length > 0) this.writes?.hold();
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
      this.networkError ??= { reason: (err as NodeJS.ErrnoException).code ?? 'socket error', detail: err.message };
    });
    this.socket.on('close', (code: number, reason: Buffer) => {
      clearTimeout(this.connectTimer);
      if (this.ended) return;
      this.ended = true;
      if (!this.retired) listener.onUpstreamEnd(this.describeEnd(code, reason.toString()));
    });
  }

  /** Open and writable: false once Deepgram's close frame is here, before the connection has closed. */
  get isOpen(): boolean {
    return this.live;
  }

  /**
   * The websocket is open: false while connecting, and once a close frame came or went (or it was
   * aborted). Between Deepgram's close frame and the end of the connection (a round trip, more on a
   * slow network) anything sent would be dropped by Deepgram, so nothing is.
   */
  get live(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Milliseconds since the connection opened (0 while connecting). */
  get ageMs(): number {
    return this.opened ? Date.now() - this.openedAt : 0;
  }

  send(message: UpstreamClientMessage): void {
    const data = JSON.stringify(message);
    if (this.opened) {
      if (this.socket.readyState !== WebSocket.OPEN) return;
      this.writes?.hold();
      this.socket.send(data);
    } else if (!this.ended) {
      this.queued.push(data);
    }
  }

  /** Stops reading from Deepgram (the client reads slowly); TCP backpressure does the rest. */
  pause(): void {
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    this.paused = false;
    this.socket.resume();
  }

  /**
   * Closes a connection that owes nothing, without telling the listener: the session has moved to a
   * fresh one. Aborted if Deepgram does not answer the Close in time.
   */
  retire(): void {
    this.retired = true;
    this.send({ type: 'Close' });
    setTimeout(() => this.abort(), RETIRE_GRACE_MS).unref();
  }

  /** Drops the connection at once, without a Close or waiting for Deepgram (the session is over). */
  abort(): void {
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
      httpStatus: res.statusCode,
      dgError: header(DG_ERROR_HEADER) ?? res.statusMessage,
      requestId: header(DG_REQUEST_ID_HEADER),
    };
    res.resume();
    this.socket.terminate();
  }

  private describeEnd(code: number, reason: string): UpstreamEnd {
    const opened = this.opened;
    if (this.refusal) {
      const { requestId, ...refusal } = this.refusal;
      return {
        opened,
        requestId,
        failure: { kind: 'refused', ...refusal, reason: refusal.dgError ?? 'upgrade refused' },
      };
    }
    if (this.timedOut) return { opened, failure: { kind: 'timeout', reason: 'upstream connect timeout' } };
    const error = this.networkError;
    if (!opened) return { opened, failure: { kind: 'unreachable', ...(error ?? { reason: 'connection failed' }) } };
    if (code === ABNORMAL_CLOSURE) {
      return { opened, failure: { kind: 'lost', closeCode: code, ...(error ?? { reason: 'connection lost' }) } };
    }
    return { opened, failure: { kind: 'closed', closeCode: code, reason } };
  }
}
