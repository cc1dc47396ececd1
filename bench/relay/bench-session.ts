import { WAV_HEADER_BYTES } from '@tts/audio';
import WebSocket from 'ws';
import { FlushPlayout, PlayoutObservations } from './playout-model';
import { Utterance } from './session-script';

/** How a client reaches the voice: the emulator itself, nginx in front of it, or our gateway. */
export type PathKind = 'direct' | 'nginx' | 'gateway';

export interface SessionPacing {
  /** Between two Speak messages of an utterance (LLM token streaming). */
  speakGapMs: number;
  /** After an utterance's Flushed, before the next utterance starts. */
  thinkMs: number;
  prerollMs: number;
  /** A flush whose Flushed has not come by then counts as failed. */
  flushTimeoutMs: number;
}

/** Config the client guide's snippet sends; the direct paths ask the emulator for the same audio, headerless. */
export const CLIENT_CONFIG = {
  model: 'aura-2-estrella-es',
  encoding: 'linear16',
  sample_rate: 16000,
  container: 'wav',
  language: 'es',
} as const;
const BYTES_PER_MS = (CLIENT_CONFIG.sample_rate * 2) / 1000;
const CONNECTED_STATUS = 'Deepgram TTS connected';
const CLOSE_WAIT_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One simulated user: connects, speaks its script utterance by utterance, then closes. */
export class BenchSession {
  private ws?: WebSocket;
  private readonly playout: FlushPlayout;
  private readonly headerBytes: number;
  private flushed?: () => void;
  private failure?: string;
  /** The session got as far as being able to speak. */
  opened = false;

  constructor(
    private readonly kind: PathKind,
    private readonly url: string,
    private readonly script: Utterance[],
    private readonly pacing: SessionPacing,
    out: PlayoutObservations,
    private readonly errors: Map<string, number>,
  ) {
    this.playout = new FlushPlayout(out, BYTES_PER_MS, pacing.prerollMs);
    this.headerBytes = kind === 'gateway' ? WAV_HEADER_BYTES : 0;
  }

  /**
   * Resolves once the session can speak: socket open (direct) or the gateway's upstream is connected.
   * `cold`: resolves as soon as the socket is open, as a real client would start speaking (the
   * gateway may still be opening its upstream then).
   */
  connect(timeoutMs: number, cold = false): Promise<void> {
    return new Promise((resolve, reject) => {
      const headers = this.kind === 'gateway' ? {} : { Authorization: 'Token bench-key' };
      const ws = new WebSocket(this.url, { headers, perMessageDeflate: false });
      this.ws = ws;
      const timer = setTimeout(() => fail('connect_timeout'), timeoutMs);
      const fail = (why: string): void => {
        clearTimeout(timer);
        this.fail(why);
        ws.terminate();
        reject(new Error(why));
      };
      const ready = (): void => {
        clearTimeout(timer);
        this.opened = true;
        resolve();
      };
      ws.on('open', () => {
        if (this.kind !== 'gateway') return ready();
        ws.send(JSON.stringify(CLIENT_CONFIG));
        if (cold) ready();
      });
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return this.playout.audio(performance.now(), data.length - this.headerBytes);
        const msg = JSON.parse(data.toString()) as { type: string; message?: string; code?: string };
        if (msg.type === 'Flushed') this.flushed?.();
        else if (msg.type === 'status' && msg.message === CONNECTED_STATUS) ready();
        else if (msg.type === 'error') this.fail(`error:${msg.code}`);
      });
      ws.on('error', (err: Error) => fail(`socket:${err.message.slice(0, 60)}`));
      ws.on('close', (code: number) => {
        if (code !== 1000) fail(`close:${code}`);
      });
    });
  }

  /**
   * Speaks the script. `coldConnectTimeoutMs`: the session connects only now (after the start delay)
   * and sends its first utterance at once, Speaks and Flush back to back, as a client that has its
   * text ready when it connects: that flush's TTFA includes whatever the path does to open.
   */
  async run(startDelayMs: number, coldConnectTimeoutMs?: number): Promise<void> {
    await sleep(startDelayMs);
    if (coldConnectTimeoutMs !== undefined) {
      const opened = await this.connect(coldConnectTimeoutMs, true).then(
        () => true,
        () => false,
      );
      if (!opened) return;
    }
    for (const [u, utterance] of this.script.entries()) {
      if (this.failure) return;
      const gapMs = u === 0 && coldConnectTimeoutMs !== undefined ? 0 : this.pacing.speakGapMs;
      for (let i = 0; i < utterance.length; i++) {
        if (i > 0 && gapMs > 0) await sleep(gapMs);
        this.send({ type: 'Speak', text: utterance[i] });
      }
      const flushed = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), this.pacing.flushTimeoutMs);
        this.flushed = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.playout.flushSent(performance.now());
      this.send({ type: 'Flush' });
      if (!(await flushed)) return this.fail('flush_timeout');
      if (this.failure) return;
      await sleep(this.pacing.thinkMs);
    }
    await this.close();
  }

  private async close(): Promise<void> {
    const ws = this.ws!;
    if (ws.readyState !== WebSocket.OPEN) return;
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    this.send({ type: 'Close' });
    const timer = setTimeout(() => {
      this.fail('close_timeout');
      ws.terminate();
    }, CLOSE_WAIT_MS);
    await closed;
    clearTimeout(timer);
  }

  private send(message: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private fail(why: string): void {
    if (this.failure) return;
    this.failure = why;
    this.flushed?.();
    this.errors.set(why, (this.errors.get(why) ?? 0) + 1);
  }
}
