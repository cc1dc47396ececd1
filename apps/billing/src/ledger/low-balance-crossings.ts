import { EntityManager } from 'typeorm';
import { records } from './sql-records';

/** A low-balance alert fired by a committed balance change (a row of the low_balance_events outbox). */
export interface FiredAlert {
  eventId: string;
  companyId: string;
}

/**
 * Run inside the transaction that moved these companies' balances, under their row locks: an armed
 * alert whose balance went from above its threshold to at or below fires (one outbox row); one whose
 * balance rose above it again re-arms. Because it commits or rolls back with the balance change,
 * a crossing can be neither missed nor doubled by concurrent writers or a crash.
 */
export function detectCrossings(tx: EntityManager, companyIds: string[]): Promise<FiredAlert[]> {
  return records<FiredAlert>(
    tx,
    `WITH moved AS (
       UPDATE low_balance_alerts a SET above_threshold = c.balance_credits > a.threshold_credits
         FROM companies c
        WHERE a.company_id = ANY($1) AND c.company_id = a.company_id
          AND a.above_threshold <> (c.balance_credits > a.threshold_credits)
       RETURNING a.company_id, a.above_threshold, a.threshold_credits, a.webhook_url, c.balance_credits,
                 c.balance_version
     )
     INSERT INTO low_balance_events (company_id, threshold_credits, balance_credits, balance_version, webhook_url)
     SELECT company_id, threshold_credits, balance_credits, balance_version, webhook_url FROM moved
      WHERE NOT above_threshold
     RETURNING event_id::text AS "eventId", company_id AS "companyId"`,
    [companyIds],
  );
}
