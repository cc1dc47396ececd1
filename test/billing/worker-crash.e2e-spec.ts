import { ChildProcess } from 'child_process';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  balanceOf,
  deleteBalanceKeys,
  destroyQueue,
  enqueue,
  openDataSource,
  toMicro,
  uniquePrefix,
  usageEvent,
  usageQueue,
} from './support/billing-harness';
import { pollUntil } from '../support/poll';
import { assertBuilt, exited, spawnBilling } from './support/billing-process';

describe('billing killed with SIGKILL in the middle of a burst', () => {
  let database: TestDatabase;
  let db: DataSource;
  let queue: Queue;
  let prefix: string;
  let child: ChildProcess | undefined;
  const company = `crash-${process.pid}`;

  beforeAll(async () => {
    assertBuilt();
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
    const before = await pollUntil(applied, (n) => n >= 500, 20_000);
    child.kill('SIGKILL');
    await exited(child);
    const atKill = await applied();
    expect(before).toBeGreaterThanOrEqual(500);
    expect(atKill).toBeLessThan(6000); // killed mid-burst, with jobs left and some of them active

    child = spawnBilling(env);
    const done = await pollUntil(applied, (n) => n === 6000, 40_000);
    expect(done).toBe(6000);
    // 1/60 credit per event is rounded at the 18th decimal: exact to far below a micro-credit.
    expect(toMicro((await balanceOf(db, company))!)).toBe(400_000000n);
    const counts = await pollUntil(
      () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
      (c) => c.waiting + c.active + c.delayed === 0,
    );
    expect(counts.failed).toBe(0);
  }, 90_000);
});
