import { DataSource } from 'typeorm';

export interface AlertReconcileRow {
  company_id: string;
  threshold_credits: string;
  /** Downward crossings of the threshold in the ledger since the alert was (re)armed. */
  crossings: number;
  /** Low-balance alerts recorded since then. */
  alerts_fired: number;
  /**
   * Of those, delivered (2xx) and failed for good (every attempt used, not delivered since: a retry from the
   * queue dashboard that succeeds moves an alert from failed to delivered). Never both.
   */
  delivered: number;
  failed: number;
  ok: boolean;
}

/**
 * Per armed alert: the crossings the ledger shows against the alerts fired. Every ledger row carries the
 * balance_version its change produced, so each company's balance after every change is replayed
 * backwards from the current balance; a crossing is a change from above the threshold to at or below it.
 */
export async function reconcileAlerts(db: DataSource): Promise<AlertReconcileRow[]> {
  return db.query(`
    WITH changes AS (
      SELECT company_id, balance_version AS version, -sum(credits) AS delta FROM usage_ledger
       WHERE balance_version IS NOT NULL GROUP BY 1, 2
      UNION ALL
      SELECT company_id, balance_version, amount FROM credit_top_ups WHERE balance_version IS NOT NULL
    ), per_version AS (
      SELECT company_id, version, sum(delta) AS delta FROM changes GROUP BY 1, 2
    ), replay AS (
      SELECT p.company_id, p.version, p.delta,
             c.balance_credits - coalesce(sum(p.delta) OVER (PARTITION BY p.company_id ORDER BY p.version DESC
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS after
        FROM per_version p JOIN companies c USING (company_id)
    ), crossings AS (
      SELECT a.company_id, count(*) FILTER (WHERE r.after - r.delta > a.threshold_credits
                                              AND r.after <= a.threshold_credits)::int AS n
        FROM low_balance_alerts a LEFT JOIN replay r ON r.company_id = a.company_id AND r.version > a.armed_version
       GROUP BY a.company_id
    ), fired AS (
      SELECT a.company_id, count(e.event_id)::int AS n, count(e.delivered_at)::int AS delivered,
             count(e.failed_at)::int AS failed
        FROM low_balance_alerts a
        LEFT JOIN low_balance_events e ON e.company_id = a.company_id AND e.balance_version > a.armed_version
       GROUP BY a.company_id
    )
    SELECT a.company_id, a.threshold_credits::text, x.n AS crossings, f.n AS alerts_fired, f.delivered, f.failed,
           x.n = f.n AS ok
      FROM low_balance_alerts a JOIN crossings x USING (company_id) JOIN fired f USING (company_id)
     ORDER BY a.company_id`);
}
