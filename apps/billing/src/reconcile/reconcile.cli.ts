import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { DEFAULT_DATABASE_URL } from '@tts/config';
import { billingDataSourceOptions } from '../database/data-source';
import { ReconcileRow, reconcile } from './reconcile';

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

/** `npm run billing:reconcile [-- --json]`: usage vs ledger per company; exit 1 on any mismatch. */
async function main(): Promise<number> {
  const db = await new DataSource(
    billingDataSourceOptions(process.env.DATABASE_URL || DEFAULT_DATABASE_URL),
  ).initialize();
  try {
    const rows = await reconcile(db);
    const mismatches = rows.filter((r) => !r.ok);
    if (process.argv.includes('--json')) {
      process.stdout.write(JSON.stringify({ companies: rows.length, mismatches: mismatches.length, rows }) + '\n');
    } else {
      const table = [COLUMNS.join(' | '), COLUMNS.map(() => '---').join(' | ')].concat(
        rows.map((r) => COLUMNS.map((c) => (c === 'ok' ? (r.ok ? 'ok' : 'MISMATCH') : String(r[c]))).join(' | ')),
      );
      process.stdout.write(`${table.map((l) => `| ${l} |`).join('\n')}\n\n`);
      process.stdout.write(`${rows.length} companies, ${mismatches.length} mismatched\n`);
    }
    return mismatches.length > 0 ? 1 : 0;
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
