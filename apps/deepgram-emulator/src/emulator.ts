import { readFileSync } from 'node:fs';
import { RequestListener, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import pino, { Logger } from 'pino';
import { ConfigError } from '@tts/config';
import {
  EMULATOR_SPEAK_PATH,
  UPSTREAM_CHARS_PER_WINDOW,
  UPSTREAM_CHAR_WINDOW_MS,
  UPSTREAM_FLUSH_LIMIT,
  UPSTREAM_FLUSH_WINDOW_MS,
  UPSTREAM_MAX_CONNECTION_MS,
} from '@tts/protocol';
import { EmulatedConnection } from './speak/emulated-connection';
import { InjectedFault } from './speak/fault';
import { SpeakServer, SpeakServerSettings } from './speak/speak-server';

export type { EmulatedConnection, ConnectionEnd } from './speak/emulated-connection';
export type { Fault, InjectedFault } from './speak/fault';
export { expectedAudioBytes, synthesizedSampleCount, CHARACTER_MS } from './synth/speech-synthesizer';

export interface EmulatorOptions {
  /** 0 = ephemeral. */
  port?: number;
  host?: string;
  /** The one key accepted; unset: any non-empty key. */
  apiKey?: string;
  /** Delay from Flush to first audio (default 150). */
  ttfbMs?: number;
  /** 1 = real time (default), 2 = twice as fast, 0 = no pacing. */
  speed?: number;
  /** No client message for this long: close 1011 NET-0001 (default 60 s). */
  idleTimeoutMs?: number;
  /** A connection lives at most this long: close 1011 NET-0003 (default 60 min). */
  maxConnectionMs?: number;
  /** Characters of Speak text one connection may send per window (default 2,400): over it, close 1008 DATA-0001. */
  charsPerWindow?: number;
  /** The sliding window of `charsPerWindow` (default 60 s). */
  charWindowMs?: number;
  /** Flushes per window (default 20): the one over is answered with a Warning and ignored. */
  flushLimit?: number;
  /** The sliding window of `flushLimit` (default 60 s). */
  flushWindowMs?: number;
  /** Delay before answering an upgrade, like Deepgram's TLS and upgrade round trips (default 0). */
  handshakeDelayMs?: number;
  /** Open connections at once, like a Deepgram project's concurrency limit: HTTP 429 over it (default 0: none). */
  maxConnections?: number;
  /** Typical audio frame duration; frames vary between 0.4x and 2x of it (default 50). */
  chunkMs?: number;
  /**
   * Keep a record of every connection in `connections` (default true: tests read them). A long-running
   * emulator turns it off: records hold each upgrade's headers (keys included) and every Speak text.
   */
  recordConnections?: boolean;
  /**
   * Serve wss:// (TLS) with this certificate and key (PEM), like Deepgram's own endpoint, instead of ws://.
   * Each connection's record says whether its client resumed an earlier TLS session (`tlsResumed`) and
   * which host name it asked for (`tlsServerName`, SNI).
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Structured logger; silent by default (the process entry point passes its own). */
  logger?: Logger;
}

export interface RunningEmulator {
  /** ws://127.0.0.1:<port>/v1/speak (wss:// with `tls`) */
  url: string;
  port: number;
  /** Every connection so far (empty when `recordConnections` is false). */
  connections: EmulatedConnection[];
  /** Applies to the next connection (or `connections` of them; Infinity: all until clearFaults). */
  injectFault(fault: InjectedFault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** The variables that put the emulator (app or bench process) on TLS. */
export interface EmulatorTlsEnv {
  EMULATOR_TLS_CERT_FILE?: string;
  EMULATOR_TLS_KEY_FILE?: string;
}

/**
 * The `tls` option from EMULATOR_TLS_CERT_FILE and EMULATOR_TLS_KEY_FILE, read once at boot; undefined
 * unless both are set. A file that cannot be read is a ConfigError naming the variable, not its value.
 */
export function emulatorTlsFiles(env: EmulatorTlsEnv): EmulatorOptions['tls'] {
  if (!env.EMULATOR_TLS_CERT_FILE || !env.EMULATOR_TLS_KEY_FILE) return undefined;
  const read = (name: keyof EmulatorTlsEnv): Buffer => {
    try {
      return readFileSync(env[name]!);
    } catch (error) {
      throw new ConfigError([`${name}: cannot read the file (${(error as NodeJS.ErrnoException).code})`]);
    }
  };
  return { cert: read('EMULATOR_TLS_CERT_FILE'), key: read('EMULATOR_TLS_KEY_FILE') };
}

export function speakServerSettings(options: EmulatorOptions): SpeakServerSettings {
  return {
    apiKey: options.apiKey,
    ttfbMs: options.ttfbMs ?? 150,
    speed: options.speed ?? 1,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxConnectionMs: options.maxConnectionMs ?? UPSTREAM_MAX_CONNECTION_MS,
    chunkMs: options.chunkMs ?? 50,
    charsPerWindow: options.charsPerWindow ?? UPSTREAM_CHARS_PER_WINDOW,
    charWindowMs: options.charWindowMs ?? UPSTREAM_CHAR_WINDOW_MS,
    flushLimit: options.flushLimit ?? UPSTREAM_FLUSH_LIMIT,
    flushWindowMs: options.flushWindowMs ?? UPSTREAM_FLUSH_WINDOW_MS,
    handshakeDelayMs: options.handshakeDelayMs ?? 0,
    maxConnections: options.maxConnections ?? 0,
    recordConnections: options.recordConnections ?? true,
  };
}

const HEALTH_PATHS = new Set(['/health/live', '/health/ready']);

/** The emulator on a bare HTTP server (no Nest): what tests start in-process. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const speak = new SpeakServer(speakServerSettings(options), logger);
  const health: RequestListener = (req, res) => {
    const healthy = HEALTH_PATHS.has((req.url ?? '').split('?')[0]);
    res.writeHead(healthy ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(healthy ? { status: 'ok' } : { err_code: 'NOT_FOUND' }));
  };
  const server = options.tls ? createTlsServer(options.tls, health) : createServer(health);
  speak.attach(server);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `${options.tls ? 'wss' : 'ws'}://${urlHost}:${port}${EMULATOR_SPEAK_PATH}`,
    port,
    connections: speak.connections,
    injectFault: (fault) => speak.injectFault(fault),
    clearFaults: () => speak.clearFaults(),
    close: async () => {
      await speak.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
