import 'reflect-metadata';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { BillingEnv, ConfigError, RedisConnections, loadConfig } from '@tts/config';
import { QueueName } from '@tts/protocol';
import { billingDataSourceOptions } from '../database/data-source';
import { ReconcileRow, reconcile } from './reconcile';
import { AlertReconcileRow, reconcileAlerts } from './reconcile-alerts';
import { QueuedUsageRow, reconcileQueue } from './reconcile-queue';

const QUEUE_COLUMNS: Array<keyof QueuedUsageRow> = ['company_id', 'failed_jobs', 'pending_jobs', 'ok'];
/** A Redis that does not answer must not hang the report (BullMQ would wait for it for ever). */
const QUEUE_READ_TIMEOUT_MS = 15_000;

const ALERT_COLUMNS: Array<keyof AlertReconcileRow> = [
  'company_id',
  'threshold_credits',
  'crossings',
  'alerts_fired',
  'delivered',
  'failed',
  'ok',
];

/** A markdown table; the `ok` column reads ok or MISMATCH. */
function table<T extends { ok: boolean }>(columns: Array<keyof T>, rows: T[]): string {
  const lines = [columns.join(' | '), columns.map(() => '---').join(' | ')].concat(
    rows.map((r) => columns.map((c) => (c === 'ok' ? (r.ok ? 'ok' : 'MISMATCH') : String(r[c]))).join(' | ')),
  );
  return `${lines.map((l) => `| ${l} |`).join('\n')}\n\n`;
}

const COLUMNS: Array<keyof ReconcileRow> = [
  'company_id',
  'events',
  'audio_bytes',
  'usage_credits',
  'top_ups',
  'expected_balance',
  'balance',
  'mispriced_events',
  'ok',
];

/** The usage queue's jobs per company (REDIS_URL, BULLMQ_PREFIX as billing reads them). */
async function readUsageQueue(env: BillingEnv): Promise<QueuedUsageRow[]> {
  const redis = new RedisConnections(env, 'billing-reconcile');
  const queue = new Queue(QueueName.TtsUsage, redis.bullmq('reconcile'));
  queue.on('error', () => undefined); // reported through the read below
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      reconcileQueue(queue),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('Redis did not answer')), QUEUE_READ_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await queue.close().catch(() => undefined);
  }
}

/**
 * `npm run billing:reconcile [-- --json]`: per company, the ledger's usage and top-ups against its balance,
 * usage still in the queue (failed jobs: audio not billed), and low-balance alerts fired vs the crossings
 * in the ledger; exit 1 on any mismatch, 2 when it cannot read the database or the queue.
 */
async function main(): Promise<number> {
  const env = loadConfig(BillingEnv);
  const db = await new DataSource(billingDataSourceOptions(env.DATABASE_URL)).initialize();
  try {
    const rows = await reconcile(db);
    const alerts = await reconcileAlerts(db);
    const queued = await readUsageQueue(env);
    const mismatches = rows.filter((r) => !r.ok);
    const alertMismatches = alerts.filter((r) => !r.ok);
    const failedJobs = queued.reduce((n, r) => n + r.failed_jobs, 0);
    const pendingJobs = queued.reduce((n, r) => n + r.pending_jobs, 0);
    if (process.argv.includes('--json')) {
      process.stdout.write(
        JSON.stringify({
          companies: rows.length,
          mismatches: mismatches.length,
          rows,
          queue: { failed_jobs: failedJobs, pending_jobs: pendingJobs, rows: queued },
          alerts: { armed: alerts.length, mismatches: alertMismatches.length, rows: alerts },
        }) + '\n',
      );
    } else {
      process.stdout.write(table(COLUMNS, rows));
      process.stdout.write(`${rows.length} companies, ${mismatches.length} mismatched\n\n`);
      process.stdout.write(table(QUEUE_COLUMNS, queued));
      process.stdout.write(
        `usage queue: ${failedJobs} failed jobs (not billed: retry them in /admin/queues), ${pendingJobs} pending\n\n`,
      );
      process.stdout.write(table(ALERT_COLUMNS, alerts));
      process.stdout.write(`${alerts.length} low-balance alerts, ${alertMismatches.length} mismatched\n`);
    }
    return mismatches.length + alertMismatches.length + failedJobs > 0 ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e instanceof ConfigError ? e.message : JSON.stringify({ msg: 'reconcile failed', err: e.message }));
    process.exit(2);
  },
);
