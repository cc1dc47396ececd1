import { execFile } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import { DataSource } from 'typeorm';
import { LowBalanceAlerts } from '../../apps/billing/src/alerts/low-balance-alerts.service';
import { CreditLedger } from '../../apps/billing/src/ledger/credit-ledger.service';
import { UsagePricing } from '../../apps/billing/src/ledger/usage-pricing';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  deleteBalanceKeys,
  destroyQueue,
  enqueue,
  openDataSource,
  startBilling,
  uniquePrefix,
  usageEvent,
  usageQueue,
} from './support/billing-harness';
import { pollUntil } from '../support/poll';

const CLI = join(__dirname, '../../dist/apps/billing/src/reconcile/reconcile.cli.js');

/** The usage queue's namespace the report reads: this spec's own. */
const PREFIX = uniquePrefix('reconcile');

async function runReconcile(url: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI], {
      env: { ...process.env, DATABASE_URL: url, BULLMQ_PREFIX: PREFIX },
    });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

describe('billing:reconcile', () => {
  let database: TestDatabase;
  let db: DataSource;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('run `npm run build` first');
    database = await createTestDatabase('reconcile');
    db = await openDataSource(database.url);
    const ledger = new CreditLedger(db, new UsagePricing(1.5));
    await db.query(`INSERT INTO companies (company_id) VALUES ('rc-a'), ('rc-b')`);
    await ledger.topUp('rc-a', '10', 'rc-a-1');
    await ledger.topUp('rc-b', '3.333333', 'rc-b-1');
    await ledger.applyUsage([
      usageEvent('rc-a', { encoding: 'mulaw', sample_rate: 8000, audio_bytes: 12345 }),
      usageEvent('rc-a', { encoding: 'linear16', sample_rate: 24000, audio_bytes: 777 * 2 }),
      usageEvent('rc-b', { encoding: 'alaw', sample_rate: 16000, audio_bytes: 16000 * 61 }),
    ]);
  });

  afterAll(async () => {
    await destroyQueue(usageQueue(PREFIX));
    await deleteBalanceKeys(PREFIX, 'rc-'); // the worker's balance cache
    await db?.destroy();
    await database?.drop();
  });

  it('prints usage vs ledger per company and exits 0 when everything adds up', async () => {
    const { code, out } = await runReconcile(database.url);
    expect(code).toBe(0);
    expect(out).toMatch(/\| rc-a \| 2 \| 13899 \|/);
    expect(out).toMatch(/\| rc-b \| 1 \| 976000 \| 1\.525000000000000000 \| 3\.333333000000000000 \|.* ok \|/);
    expect(out).toMatch(/2 companies, 0 mismatched/);
  });

  it('counts usage still in the queue: a failed job is audio not billed, so a mismatch until it is retried', async () => {
    const queue = usageQueue(PREFIX);
    await db.query(`INSERT INTO companies (company_id) VALUES ('rc-q')`);
    // The real worker refuses a malformed event for good; the good one behind it waits for a worker.
    const billing = await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: PREFIX });
    await enqueue(queue, [usageEvent('rc-q', { sample_rate: 12345 })]);
    await pollUntil(
      () => queue.getJobCounts('failed'),
      (counts) => counts.failed === 1,
    );
    await billing.app.close(); // stops the worker, keeps the queue (billing.close() would empty it)
    await enqueue(queue, [usageEvent('rc-q')]);
    const stuck = await runReconcile(database.url);
    expect(stuck.code).toBe(1);
    expect(stuck.out).toMatch(/\| rc-q \| 1 \| 1 \| MISMATCH \|/);
    expect(stuck.out).toMatch(/usage queue: 1 failed jobs .*, 1 pending/);
    expect(stuck.out).toMatch(/3 companies, 0 mismatched/); // the ledger alone cannot see it

    await queue.clean(0, 100, 'failed'); // the billing team dealt with it
    await queue.obliterate({ force: true }); // and the pending one was applied
    const clear = await runReconcile(database.url);
    expect(clear.code).toBe(0);
    expect(clear.out).toMatch(/usage queue: 0 failed jobs .*, 0 pending/);
    await queue.close();
    await db.query(`DELETE FROM companies WHERE company_id = 'rc-q'`);
  });

  it('exits non-zero and names the company when a balance or a charge does not match', async () => {
    await db.query(`UPDATE companies SET balance_credits = balance_credits + 0.000001 WHERE company_id = 'rc-b'`);
    const balance = await runReconcile(database.url);
    expect(balance.code).toBe(1);
    expect(balance.out).toMatch(/\| rc-b \|.*MISMATCH \|/);
    expect(balance.out).toMatch(/\| rc-a \|.* ok \|/);

    await db.query(`UPDATE companies SET balance_credits = balance_credits - 0.000001 WHERE company_id = 'rc-b'`);
    await db.query(
      `UPDATE usage_ledger SET credits = credits + 1, audio_bytes = audio_bytes WHERE company_id = 'rc-a' AND encoding = 'mulaw'`,
    );
    await db.query(`UPDATE companies SET balance_credits = balance_credits - 1 WHERE company_id = 'rc-a'`);
    const charge = await runReconcile(database.url);
    expect(charge.code).toBe(1);
    expect(charge.out).toMatch(/\| rc-a \|.*\| 1 \| MISMATCH \|/);
  });

  it('counts low-balance alerts fired against the crossings the ledger shows', async () => {
    const ledger = new CreditLedger(db, new UsagePricing(1));
    const minute = () => usageEvent('rc-c', { encoding: 'linear16', sample_rate: 16000, audio_bytes: 16000 * 2 * 60 });
    await db.query(`INSERT INTO companies (company_id) VALUES ('rc-c')`);
    await ledger.topUp('rc-c', '3', 'rc-c-0'); // at 3 before the alert exists: not a crossing of it
    await new LowBalanceAlerts(db).arm('rc-c', '5', 'https://hooks.example.com/rc-c');
    await ledger.topUp('rc-c', '7', 'rc-c-1'); // 10: above
    await ledger.applyUsage([minute(), minute(), minute()]); // 7
    await ledger.applyUsage([minute(), minute(), minute()]); // 4: crossing 1
    await ledger.applyUsage([minute()]); // 3: still below
    await ledger.topUp('rc-c', '10', 'rc-c-2'); // 13: re-armed
    await ledger.topUp('rc-c', '-8', 'rc-c-3'); // 5: crossing 2 (at the threshold counts)
    const fine = await runReconcile(database.url);
    expect(fine.out).toMatch(/\| rc-c \| 5\.000000000000000000 \| 2 \| 2 \| 0 \| 0 \| ok \|/);
    expect(fine.out).toMatch(/1 low-balance alerts, 0 mismatched/);

    await db.query(
      `DELETE FROM low_balance_events WHERE event_id = (SELECT min(event_id::text)::uuid FROM low_balance_events)`,
    );
    const missing = await runReconcile(database.url);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/\| rc-c \| 5\.000000000000000000 \| 2 \| 1 \| 0 \| 0 \| MISMATCH \|/);
  });
});
