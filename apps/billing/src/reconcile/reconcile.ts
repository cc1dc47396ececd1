import { DataSource } from 'typeorm';
import { BYTES_PER_SAMPLE_SQL } from '../database/ledger-schema';

export interface ReconcileRow {
  company_id: string;
  events: number;
  audio_bytes: string;
  usage_credits: string;
  top_ups: string;
  expected_balance: string;
  balance: string;
  /** Ledger rows whose stored charge differs from a recomputation from their audio bytes and price. */
  mispriced_events: number;
  ok: boolean;
}

/**
 * Per company: the ledger's usage charges and top-ups against its balance, and every charge against
 * its usage (bytes / (rate x bytes per sample) / 60 x price, rounded at 18 decimals). All in SQL numeric.
 */
export async function reconcile(db: DataSource): Promise<ReconcileRow[]> {
  const rows: Array<Omit<ReconcileRow, 'ok'> & { ok: boolean }> = await db.query(`
    WITH usage AS (
      SELECT company_id, count(*) AS events, sum(audio_bytes) AS audio_bytes, sum(credits) AS credits,
             count(*) FILTER (WHERE credits <> round(
               audio_bytes::numeric(60,30) * credits_per_minute
                 / (60 * sample_rate * ${BYTES_PER_SAMPLE_SQL}), 18)) AS mispriced
        FROM usage_ledger GROUP BY company_id
    ), top_ups AS (
      SELECT company_id, sum(amount) AS amount FROM credit_top_ups GROUP BY company_id
    )
    SELECT c.company_id,
           coalesce(u.events, 0)::float8 AS events, -- counted as bigint, read as a JS number
           coalesce(u.audio_bytes, 0)::text AS audio_bytes,
           coalesce(u.credits, 0)::text AS usage_credits,
           coalesce(t.amount, 0)::text AS top_ups,
           (coalesce(t.amount, 0) - coalesce(u.credits, 0))::text AS expected_balance,
           c.balance_credits::text AS balance,
           coalesce(u.mispriced, 0)::float8 AS mispriced_events,
           (c.balance_credits = coalesce(t.amount, 0) - coalesce(u.credits, 0) AND coalesce(u.mispriced, 0) = 0) AS ok
      FROM companies c
      LEFT JOIN usage u ON u.company_id = c.company_id
      LEFT JOIN top_ups t ON t.company_id = c.company_id
     ORDER BY c.company_id`);
  return rows;
}
