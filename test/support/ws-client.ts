import WebSocket from 'ws';

export interface ServerText {
  type: string;
  [field: string]: unknown;
}

/** What the client received, in order: JSON text frames parsed, binary frames as Buffers. */
export type Received = { kind: 'text'; message: ServerText } | { kind: 'binary'; data: Buffer };

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A small promise-based WebSocket test client that records every frame it receives. */
export class TestClient {
  readonly received: Received[] = [];
  readonly closed: Promise<CloseInfo>;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      this.received.push(
        isBinary ? { kind: 'binary', data } : { kind: 'text', message: JSON.parse(data.toString()) as ServerText },
      );
      this.notify();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.notify();
      }),
    );
    ws.on('error', () => {});
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  get texts(): ServerText[] {
    return this.received.flatMap((r) => (r.kind === 'text' ? [r.message] : []));
  }

  get audio(): Buffer[] {
    return this.received.flatMap((r) => (r.kind === 'binary' ? [r.data] : []));
  }

  /** Resolves with the first text message matching; rejects on close or after `timeoutMs`. */
  waitFor(predicate: string | ((m: ServerText) => boolean), timeoutMs = 10_000, occurrence = 1): Promise<ServerText> {
    const test = typeof predicate === 'string' ? (m: ServerText) => m.type === predicate : predicate;
    return this.until(
      () => {
        const hits = this.texts.filter(test);
        return hits.length >= occurrence ? hits[occurrence - 1] : undefined;
      },
      timeoutMs,
      `message ${String(predicate)}`,
    );
  }

  /** Resolves with the close code and reason. */
  async waitForClose(timeoutMs = 10_000): Promise<CloseInfo> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no close within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Simulates a slow reader: stops reading from the TCP socket (the kernel buffers fill up). */
  pauseReading(): void {
    this.ws.pause();
  }

  resumeReading(): void {
    this.ws.resume();
  }

  readyStateOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.ws.close();
  }

  /** Resolves once `check` returns something other than undefined (re-checked on every frame). */
  until<T>(check: () => T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        remove();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.describe()}`));
      }, timeoutMs);
      const attempt = () => {
        const value = check();
        if (value !== undefined) {
          remove();
          resolve(value);
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          remove();
          reject(new Error(`socket closed while waiting for ${what}; got ${this.describe()}`));
        }
      };
      const remove = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== attempt);
      };
      this.waiters.push(attempt);
      attempt();
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private describe(): string {
    return JSON.stringify(this.texts).slice(0, 500) + ` + ${this.audio.length} audio frames`;
  }
}
