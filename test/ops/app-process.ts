/**
 * Real app processes for the ops tests: `node dist/apps/<app>/src/main.js`, exactly what a pod runs.
 * Builds dist first when it is missing or older than the sources (`npm test` builds before jest).
 */
import { ChildProcess, execSync, spawn } from 'child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'fs';
import { AddressInfo, createServer } from 'net';
import { join } from 'path';
import { createInterface } from 'readline';
import { TTS_STREAM_PATH } from '@tts/protocol';

const ROOT = join(__dirname, '..', '..');
const SOURCE_DIRS = ['apps', 'libs'].map((d) => join(ROOT, d));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcess {
  name: string;
  port: number;
  baseUrl: string;
  child: ChildProcess;
  /** JSON log lines written so far (stdout), parsed; non-JSON lines are kept as `{ raw }`. */
  logs: Record<string, unknown>[];
  exited: Promise<Exit>;
  /** Ends the process if still running (SIGKILL after a grace) and resolves with how it exited. */
  stop(): Promise<Exit>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.spec\.tsx?$/.test(entry.name))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function isBuilt(entries: string[]): boolean {
  const sources = Math.max(...SOURCE_DIRS.map(newestMtime));
  return entries.every((e) => {
    const path = join(ROOT, 'dist', e);
    return existsSync(path) && statSync(path).mtimeMs >= sources;
  });
}

/**
 * Runs the build when a dist entry point is missing or older than any app/lib source. A lock
 * directory keeps test files running in parallel from building over each other's processes.
 */
export async function ensureBuilt(entries: string[]): Promise<void> {
  if (isBuilt(entries)) return;
  const lock = join(ROOT, 'dist', '.test-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than the deadline was left by a killed run.
      const lockedAt = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > 120_000) rmSync(lock, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another build');
      await sleep(200);
    }
  }
  try {
    if (!isBuilt(entries)) execSync('npm run build --silent', { cwd: ROOT, stdio: 'ignore' });
  } finally {
    rmSync(lock, { force: true, recursive: true });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(app: AppProcess, timeoutMs: number, path: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void app.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      if ((await fetch(`${app.baseUrl}${path}`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  const tail = app.logs.slice(-5).map((l) => JSON.stringify(l).slice(0, 300));
  throw new Error(`${app.name} not ready within ${timeoutMs} ms (exited: ${exited}); last logs: ${tail.join('\n')}`);
}

/** Spawns `node dist/<entry>` with `env` (on top of this process's env) and waits for /health/ready. */
export async function startApp(
  name: string,
  entry: string,
  portVar: string,
  env: NodeJS.ProcessEnv,
  readyTimeoutMs = 20_000,
  /** /health/live for a process meant to stay unready (e.g. a wrong upstream key). */
  readyPath = '/health/ready',
  /** A file descriptor the process's stdout goes to instead of a pipe read here (its lines are then not in `logs`). */
  stdoutFd?: number,
): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist', entry)], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env, [portVar]: String(port) },
    stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    });
  }
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const app: AppProcess = {
    name,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    logs,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
  try {
    await waitUntilReady(app, readyTimeoutMs, readyPath);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return app;
}

export const GATEWAY_ENTRY = 'apps/gateway/src/main.js';
export const BILLING_ENTRY = 'apps/billing/src/main.js';

export function startGatewayProcess(env: NodeJS.ProcessEnv): Promise<AppProcess> {
  return startApp('gateway', GATEWAY_ENTRY, 'GATEWAY_PORT', env);
}

export function startBillingProcess(env: NodeJS.ProcessEnv): Promise<AppProcess> {
  return startApp('billing', BILLING_ENTRY, 'BILLING_PORT', env);
}

/** The gateway's client endpoint on a process. */
export function streamUrl(app: AppProcess, query: Record<string, string>): string {
  return `ws://127.0.0.1:${app.port}${TTS_STREAM_PATH}?${new URLSearchParams(query)}`;
}

/** Every sample of a Prometheus text exposition, by name with its labels, e.g. `x_total{a="b"}` -> 3. */
export async function scrapeAll(app: AppProcess): Promise<Map<string, number>> {
  const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^#\s][^\s]*)\s+(\S+)$/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

/** One sample of a Prometheus text exposition, e.g. `tts_gateway_active_sessions` -> 1. */
export async function scrape(app: AppProcess): Promise<(name: string) => number | undefined> {
  const samples = await scrapeAll(app);
  return (name) => samples.get(name);
}
