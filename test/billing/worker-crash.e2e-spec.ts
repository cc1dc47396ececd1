import { ChildProcess, spawn } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  TEST_REDIS_URL,
  balanceOf,
  deleteBalanceKeys,
  destroyQueue,
  enqueue,
  openDataSource,
  toMicro,
  uniquePrefix,
  usageEvent,
  usageQueue,
  waitFor,
} from './support/billing-harness';

const MAIN = join(__dirname, '../../dist/apps/billing/src/main.js');

/** A real billing process (needs `npm run build`). */
function spawnBilling(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [MAIN], {
    env: { ...process.env, REDIS_URL: TEST_REDIS_URL, BILLING_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('billing killed with SIGKILL in the middle of a burst', () => {
  let database: TestDatabase;
  let db: DataSource;
  let queue: Queue;
  let prefix: string;
  let child: ChildProcess | undefined;
  const company = `crash-${process.pid}`;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('run `npm run build` first: dist/apps/billing/src/main.js is missing');
    database = await createTestDatabase('crash');
    db = await openDataSource(database.url);
    prefix = uniquePrefix('crash');
    queue = usageQueue(prefix);
  });

  afterAll(async () => {
    if (child) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await destroyQueue(queue);
    await db?.destroy();
    await database?.drop();
    await deleteBalanceKeys(prefix, company);
  });

  it('restarts and leaves the balance exact', async () => {
    await db.query(`INSERT INTO companies (company_id, balance_credits) VALUES ($1, 500)`, [company]);
    // 6,000 events of 1 s of linear16 48 kHz: 6,000 s = 100 credits in all.
    const events = Array.from({ length: 6000 }, () => usageEvent(company, { sample_rate: 48000, audio_bytes: 96000 }));
    const env = { DATABASE_URL: database.url, BULLMQ_PREFIX: prefix };
    child = spawnBilling(env);
    await enqueue(queue, events);

    const applied = () => db.query(`SELECT count(*)::int AS n FROM usage_ledger`).then(([r]) => r.n as number);
    const before = await waitFor(applied, (n) => n >= 500, 20_000);
    child.kill('SIGKILL');
    await exited(child);
    const atKill = await applied();
    expect(before).toBeGreaterThanOrEqual(500);
    expect(atKill).toBeLessThan(6000); // killed mid-burst, with jobs left and some of them active

    child = spawnBilling(env);
    const done = await waitFor(applied, (n) => n === 6000, 40_000);
    expect(done).toBe(6000);
    // 1/60 credit per event is rounded at the 18th decimal: exact to far below a micro-credit.
    expect(toMicro((await balanceOf(db, company))!)).toBe(400_000000n);
    const counts = await waitFor(
      () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
      (c) => c.waiting + c.active + c.delayed === 0,
    );
    expect(counts.failed).toBe(0);
  }, 90_000);
});
