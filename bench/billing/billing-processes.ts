import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const BILLING_MAIN = join(__dirname, '..', '..', 'apps', 'billing', 'src', 'main.js');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface BillingProcess {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

/** A real billing process (dist build), ready when /health/ready answers 200. */
export async function startBillingProcess(env: Record<string, string>): Promise<BillingProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BILLING_MAIN], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, BILLING_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`billing exited with ${child.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error('billing did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
