import { toReportedNumber } from '@tts/protocol';

/** A low_balance_events row as the delivery reads it. */
export interface LowBalanceEventRow {
  event_id: string;
  company_id: string;
  balance_credits: string;
  threshold_credits: string;
  webhook_url: string;
  fired_at: Date;
  delivered_at: Date | null;
}

/**
 * The webhook body of one delivery attempt: the stored row, the same on every retry, plus `sent_at`, the
 * time of this attempt. The signature covers the whole body, so a receiver that refuses an old `sent_at`
 * refuses a captured request replayed later; it deduplicates retries on `event_id`.
 */
export function lowBalanceWebhookBody(row: LowBalanceEventRow, sentAt: Date): string {
  return JSON.stringify({
    type: 'balance.low',
    event_id: row.event_id,
    company_id: row.company_id,
    balance_credits: toReportedNumber(row.balance_credits),
    threshold_credits: toReportedNumber(row.threshold_credits),
    at: row.fired_at.toISOString(),
    sent_at: sentAt.toISOString(),
  });
}
