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

/** The webhook body; built from the stored row alone, so every retry sends the same bytes. */
export function lowBalanceWebhookBody(row: LowBalanceEventRow): string {
  return JSON.stringify({
    type: 'balance.low',
    event_id: row.event_id,
    company_id: row.company_id,
    balance_credits: toReportedNumber(row.balance_credits),
    threshold_credits: toReportedNumber(row.threshold_credits),
    at: row.fired_at.toISOString(),
  });
}
