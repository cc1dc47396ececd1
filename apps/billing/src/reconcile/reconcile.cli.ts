import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { DEFAULT_DATABASE_URL } from '@tts/config';
import { billingDataSourceOptions } from '../database/data-source';
import { ReconcileRow, reconcile } from './reconcile';
import { AlertReconcileRow, reconcileAlerts } from './reconcile-alerts';

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

/**
 * `npm run billing:reconcile [-- --json]`: usage vs ledger per company, and low-balance alerts fired vs the
 * crossings in the ledger; exit 1 on any mismatch.
 */
async function main(): Promise<number> {
  const db = await new DataSource(
    billingDataSourceOptions(process.env.DATABASE_URL || DEFAULT_DATABASE_URL),
  ).initialize();
  try {
    const rows = await reconcile(db);
    const alerts = await reconcileAlerts(db);
    const mismatches = rows.filter((r) => !r.ok);
    const alertMismatches = alerts.filter((r) => !r.ok);
    if (process.argv.includes('--json')) {
      process.stdout.write(
        JSON.stringify({
          companies: rows.length,
          mismatches: mismatches.length,
          rows,
          alerts: { armed: alerts.length, mismatches: alertMismatches.length, rows: alerts },
        }) + '\n',
      );
    } else {
      process.stdout.write(table(COLUMNS, rows));
      process.stdout.write(`${rows.length} companies, ${mismatches.length} mismatched\n\n`);
      process.stdout.write(table(ALERT_COLUMNS, alerts));
      process.stdout.write(`${alerts.length} low-balance alerts, ${alertMismatches.length} mismatched\n`);
    }
    return mismatches.length + alertMismatches.length > 0 ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(JSON.stringify({ msg: 'reconcile failed', err: e.message }));
    process.exit(2);
  },
);
