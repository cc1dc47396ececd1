import { ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

/** A port the kernel just handed out; released at once so a child process can bind it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceSpec {
  name: string;
  /** Command and arguments; output goes to `<logDir>/<name>.log`, never to our stdout. */
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logDir: string;
  /** CPU list (`taskset -c`) the process and its children are confined to. */
  cpus?: string;
}

/** Command and arguments that run `command` confined to `cpus` (unchanged without). */
export function pinned(cpus: string | undefined, command: string, args: string[]): [string, string[]] {
  return cpus ? ['taskset', ['-c', cpus, command, ...args]] : [command, args];
}

/** Every service still running: killed when the bench process exits, however it exits. */
const started = new Set<ChildProcess>();
process.once('exit', () => started.forEach((child) => child.kill('SIGKILL')));

export function startService(spec: ServiceSpec): ChildProcess {
  const log = openSync(join(spec.logDir, `${spec.name}.log`), 'a');
  const [command, args] = pinned(spec.cpus, spec.command, spec.args);
  const child = spawn(command, args, { env: spec.env ?? process.env, stdio: ['ignore', log, log] });
  // A command that cannot be spawned must not crash the bench past its cleanup: report it and let waitReady fail.
  child.on('error', (err) => console.error(`[bench] ${spec.name} could not start: ${err.message}`));
  started.add(child);
  child.on('exit', (code, signal) => {
    started.delete(child);
    if (!(child as { stopping?: boolean }).stopping) {
      console.error(
        `[bench] ${spec.name} exited unexpectedly (${signal ?? code}); see ${spec.logDir}/${spec.name}.log`,
      );
    }
  });
  return child;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.end() !== undefined));
    socket.once('error', () => resolve(false));
  });
}

/** Waits until the port accepts TCP connections, or `readyUrl` (if given) answers 2xx; fails at once if `child` died. */
export async function waitReady(
  name: string,
  port: number,
  readyUrl?: string,
  child?: ChildProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null || !child.pid)) {
      throw new Error(`${name} exited before it was ready (${child.signalCode ?? child.exitCode ?? 'not started'})`);
    }
    if (readyUrl) {
      const ok = await fetch(readyUrl).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) return;
    } else if (await accepts(port)) {
      return;
    }
    await sleep(200);
  }
  throw new Error(`${name} was not ready on port ${port} within ${timeoutMs / 1000} s`);
}

/** SIGTERM (graceful: lets a --cpu-prof child write its profile), then SIGKILL after `graceMs`. */
export async function stopService(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  (child as { stopping?: boolean }).stopping = true;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
