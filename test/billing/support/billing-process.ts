import { ChildProcess, spawn } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';
import { TEST_REDIS_URL } from './billing-harness';

const MAIN = join(__dirname, '../../../dist/apps/billing/src/main.js');

export function assertBuilt(): void {
  if (!existsSync(MAIN)) throw new Error('run `npm run build` first: dist/apps/billing/src/main.js is missing');
}

/** A real billing process (needs `npm run build`); `stderr: 'pipe'` to read what it prints there. */
export function spawnBilling(env: Record<string, string>, stderr: 'inherit' | 'pipe' = 'inherit'): ChildProcess {
  return spawn(process.execPath, [MAIN], {
    env: { ...process.env, REDIS_URL: TEST_REDIS_URL, BILLING_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', stderr],
  });
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}
