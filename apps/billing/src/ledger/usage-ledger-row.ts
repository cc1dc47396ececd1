import { UsageEvent } from '@tts/protocol';
import { UsageCharge } from './usage-pricing';

/** One usage_ledger row as written by the ledger: every key is a column name (the event's fields, priced). */
export interface UsageLedgerRow extends UsageEvent {
  seconds: string;
  credits: string;
  credits_per_minute: string;
  /** The company's balance_version this row's batch produced (reconcile replays balances by it). */
  balance_version: string;
}

/** The one column list of the insert, with the SQL type each JSON field is read as. */
const COLUMN_TYPES: Record<keyof UsageLedgerRow, string> = {
  event_id: 'varchar',
  company_id: 'varchar',
  user_id: 'varchar',
  session_id: 'varchar',
  connection_id: 'varchar',
  gateway_id: 'varchar',
  model: 'varchar',
  encoding: 'varchar',
  sample_rate: 'int',
  container: 'varchar',
  audio_bytes: 'bigint',
  characters: 'bigint',
  seconds: 'numeric',
  credits: 'numeric',
  credits_per_minute: 'numeric',
  interval_start: 'timestamptz',
  interval_end: 'timestamptz',
  final: 'boolean',
  balance_version: 'bigint',
};
const COLUMNS = Object.keys(COLUMN_TYPES).join(', ');
const RECORD_TYPE = Object.entries(COLUMN_TYPES)
  .map(([name, type]) => `${name} ${type}`)
  .join(', ');

/**
 * `INSERT INTO usage_ledger ... SELECT ... FROM jsonb_to_recordset($1)`: columns and values are paired by
 * name (the JSON keys), so no positional array can land in the wrong column. Returns company_id, credits.
 */
export const INSERT_USAGE_ROWS_SQL = `INSERT INTO usage_ledger (${COLUMNS})
  SELECT ${COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS u(${RECORD_TYPE})
  ON CONFLICT (event_id) DO NOTHING
  RETURNING company_id, credits`;

export function usageLedgerRow(
  event: UsageEvent,
  charge: UsageCharge,
  creditsPerMinute: string,
  balanceVersion: string,
): UsageLedgerRow {
  return {
    event_id: event.event_id,
    company_id: event.company_id,
    user_id: event.user_id,
    session_id: event.session_id,
    connection_id: event.connection_id,
    gateway_id: event.gateway_id,
    model: event.model,
    encoding: event.encoding,
    sample_rate: event.sample_rate,
    container: event.container,
    audio_bytes: event.audio_bytes,
    characters: event.characters,
    seconds: charge.seconds,
    credits: charge.credits,
    credits_per_minute: creditsPerMinute,
    interval_start: event.interval_start,
    interval_end: event.interval_end,
    final: event.final,
    balance_version: balanceVersion,
  };
}
