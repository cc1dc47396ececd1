import { IncomingMessage, STATUS_CODES, Server } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { DG_ERROR_HEADER, DG_REQUEST_ID_HEADER, EMULATOR_SPEAK_PATH } from '@tts/protocol';
import { ConnectionEnd, EmulatedConnection, newConnectionRecord } from './emulated-connection';
import { FaultQueue, InjectedFault, faultFromQuery } from './fault';
import { Refusal, checkSpeakRequest } from './speak-request';
import { newRequestId } from './identifiers';
import { SessionSettings, SpeakSession } from './speak-session';

export interface SpeakServerSettings extends SessionSettings {
  /** The one key accepted; undefined: any non-empty key. */
  apiKey?: string;
  /** Every upgrade is answered this much later (Deepgram's TLS and upgrade time); 0: at once. */
  handshakeDelayMs: number;
  /** Open connections allowed at once, like a Deepgram project's concurrency limit (429 over it); 0: no limit. */
  maxConnections: number;
  /**
   * Keep every connection's record (headers, text received) in `connections` for tests to read. Off in
   * the standalone process, which would otherwise keep keys and text of every connection forever.
   */
  recordConnections: boolean;
}

/** Deepgram's /v1/speak websocket on an existing HTTP server's `upgrade` event. */
export class SpeakServer {
  /** Every connection so far, when `recordConnections`; else empty. */
  readonly connections: EmulatedConnection[] = [];
  /** The connections not ended yet (kept either way, to close them on shutdown). */
  private readonly live = new Set<EmulatedConnection>();
  private readonly faults = new FaultQueue();
  private readonly sessions = new Set<SpeakSession>();
  /** Not connections.length: that array stays empty when connections are not recorded. */
  private lastId = 0;
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // The `token, <key>` subprotocol form of auth: Deepgram echoes `token`.
    handleProtocols: (protocols) => (protocols.has('token') ? 'token' : false),
  });

  constructor(
    private readonly settings: SpeakServerSettings,
    private readonly log: Logger,
  ) {}

  attach(server: Server | HttpsServer): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  injectFault(fault: InjectedFault): void {
    this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  private closing?: Promise<void>;

  /** Ends every live connection with a close frame (server going away); idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async closeAll(): Promise<void> {
    const ends = [...this.live].map((c) => c.ended);
    for (const session of this.sessions) session.closeWith(1001, 'NET-0000');
    for (const client of this.wss.clients) client.terminate();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise((resolve) => (timer = setTimeout(resolve, 1000)));
    await Promise.race([Promise.all(ends), deadline]);
    clearTimeout(timer);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const delay = this.settings.handshakeDelayMs;
    if (delay <= 0) return this.answerUpgrade(req, socket, head);
    setTimeout(() => {
      if (!socket.destroyed) this.answerUpgrade(req, socket, head);
    }, delay);
  }

  private answerUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const requestId = newRequestId();
    if (url.pathname !== EMULATOR_SPEAK_PATH) {
      return refuse(socket, requestId, { status: 404, error: 'NOT_FOUND', message: 'Not found.' });
    }
    const fault = this.faults.take(faultFromQuery(url.searchParams));
    const recording = this.settings.recordConnections;
    const headers = recording ? req.headers : {};
    const { record, finish: recordEnd } = newConnectionRecord(
      ++this.lastId,
      requestId,
      headers,
      url.searchParams,
      fault,
      req.socket instanceof TLSSocket
        ? { resumed: req.socket.isSessionReused(), serverName: req.socket.servername || undefined }
        : undefined,
    );
    if (recording) this.connections.push(record);
    this.live.add(record);
    const finish = (end?: ConnectionEnd): void => {
      this.live.delete(record);
      recordEnd(end);
    };
    const check = checkSpeakRequest(req, url.searchParams, this.settings.apiKey);
    const refusal: Refusal | undefined = fault.refuseStatus
      ? { status: fault.refuseStatus, error: 'INJECTED_FAULT', message: 'Refused by fault injection.' }
      : !check.ok
        ? check.refusal
        : this.settings.maxConnections > 0 && this.sessions.size >= this.settings.maxConnections
          ? PROJECT_FULL
          : undefined;
    if (refusal || !check.ok) {
      record.refused = refusal;
      this.log.info({ connection: record.id, request_id: requestId, status: refusal?.status }, 'speak upgrade refused');
      refuse(socket, requestId, refusal!);
      return finish();
    }
    record.params = check.params;
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      this.log.info({ connection: record.id, request_id: requestId, ...check.params }, 'speak connection open');
      const session = new SpeakSession(
        ws,
        socket,
        record,
        check.params,
        this.settings,
        (end?: ConnectionEnd) => {
          this.sessions.delete(session);
          finish(end);
        },
        this.log,
      );
      this.sessions.add(session);
    });
  }
}

/** The project is at its concurrency limit: the status Deepgram documents (the body's words are our assumption). */
const PROJECT_FULL: Refusal = {
  status: 429,
  error: 'TOO_MANY_REQUESTS',
  message: 'Too many requests. Please try again later.',
};

/** A refused upgrade, as Deepgram answers it: an HTTP error with dg-* headers and a JSON body. */
function refuse(socket: Duplex, requestId: string, refusal: Refusal): void {
  const body = JSON.stringify({ err_code: refusal.error, err_msg: refusal.message, request_id: requestId });
  const reason = STATUS_CODES[refusal.status] ?? 'Error';
  // The message may quote the query: keep the header line printable ASCII.
  const headerSafe = refusal.message.replace(/[^\x20-\x7e]/g, '?');
  socket.end(
    `HTTP/1.1 ${refusal.status} ${reason}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `${DG_ERROR_HEADER}: ${headerSafe}\r\n` +
      `${DG_REQUEST_ID_HEADER}: ${requestId}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
