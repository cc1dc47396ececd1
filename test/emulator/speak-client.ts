import { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';

export interface SpeakClient {
  ws: WebSocket;
  /** JSON messages received, in order. */
  messages: Array<Record<string, unknown>>;
  /** Every frame in arrival order: 'audio' or the JSON message's type. */
  order: string[];
  audio: Buffer[];
  audioBytes(): number;
  send(message: unknown): void;
  /** Resolves with the first JSON message matching, waiting for it if needed. */
  next(type: string, nth?: number): Promise<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
}

/** A raw `ws` client of the emulator recording everything it receives. */
export async function connectSpeak(
  url: string,
  options: { key?: string; protocols?: string[]; query?: Record<string, string>; ca?: Buffer } = {},
): Promise<SpeakClient> {
  const target = new URL(url);
  for (const [k, v] of Object.entries(options.query ?? {})) target.searchParams.set(k, v);
  const headers = options.protocols ? {} : { Authorization: `Token ${options.key ?? 'any-key'}` };
  const ws = new WebSocket(target, options.protocols ?? [], { headers, perMessageDeflate: false, ca: options.ca });
  const messages: Array<Record<string, unknown>> = [];
  const order: string[] = [];
  const audio: Buffer[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) {
      audio.push(data);
      order.push('audio');
    } else {
      const message = JSON.parse(data.toString());
      messages.push(message);
      order.push(message.type);
    }
    waiters.splice(0).forEach((wake) => wake());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (type: string, nth = 0): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = messages.filter((m) => m.type === type)[nth];
        if (found) return resolve(found);
        if (ws.readyState >= WebSocket.CLOSING) return reject(new Error(`closed before ${type} #${nth}`));
        waiters.push(check);
      };
      void closed.then(() => waiters.splice(0).forEach((wake) => wake()));
      check();
    });
  return {
    ws,
    messages,
    order,
    audio,
    audioBytes: () => audio.reduce((sum, b) => sum + b.length, 0),
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next,
    closed,
  };
}

/** Upgrade attempt expected to be refused: the HTTP status, headers and JSON body. */
export function refusedUpgrade(
  url: string,
  headers: Record<string, string>,
): Promise<{ res: IncomingMessage; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => reject(new Error('upgrade unexpectedly accepted')));
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ res, body: parseBody(body) }));
    });
  });
}

function parseBody(body: string): Record<string, unknown> {
  try {
    return JSON.parse(body);
  } catch {
    return { text: body };
  }
}
