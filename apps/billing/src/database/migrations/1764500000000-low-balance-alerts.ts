import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Low-balance alerts: one armed alert per company and an outbox of fired alerts, written in the same
 * transaction as the balance change that crossed the threshold. Ledger rows record the balance version
 * they produced, so reconcile can replay each company's balance and count the crossings.
 */
export class LowBalanceAlerts1764500000000 implements MigrationInterface {
  name = 'LowBalanceAlerts1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE usage_ledger ADD COLUMN balance_version bigint`);
    await db.query(`ALTER TABLE credit_top_ups ADD COLUMN balance_version bigint`);
    await db.query(`
      CREATE TABLE low_balance_alerts (
        company_id varchar(128) PRIMARY KEY REFERENCES companies (company_id),
        threshold_credits numeric(38,18) NOT NULL,
        webhook_url varchar(2048) NOT NULL,
        -- false once fired, true again after the balance rose above the threshold
        above_threshold boolean NOT NULL,
        -- the company's balance_version when the alert was (re)armed by the API
        armed_version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE low_balance_events (
        event_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        company_id varchar(128) NOT NULL REFERENCES companies (company_id),
        threshold_credits numeric(38,18) NOT NULL,
        balance_credits numeric(38,18) NOT NULL,
        balance_version bigint NOT NULL,
        webhook_url varchar(2048) NOT NULL,
        fired_at timestamptz NOT NULL DEFAULT now(),
        enqueued_at timestamptz,
        delivered_at timestamptz,
        failed_at timestamptz,
        CONSTRAINT low_balance_events_company_version_key UNIQUE (company_id, balance_version)
      )`);
    await db.query(
      `CREATE INDEX low_balance_events_not_enqueued_idx ON low_balance_events (fired_at) WHERE enqueued_at IS NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE low_balance_events`);
    await db.query(`DROP TABLE low_balance_alerts`);
    await db.query(`ALTER TABLE credit_top_ups DROP COLUMN balance_version`);
    await db.query(`ALTER TABLE usage_ledger DROP COLUMN balance_version`);
  }
}
