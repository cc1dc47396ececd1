import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `fired_at` (the webhook's `at`) is the clock when the crossing was recorded, not the start of its
 * transaction: now() is fixed at BEGIN, so a batch that waited on a company's row lock dated its alert
 * before the change it reports. clock_timestamp() is read when the outbox row is inserted, under the lock,
 * right before the commit. Rows delivered by a manual retry after failing for good lose their `failed_at`
 * (the delivery now clears it), and the failed-and-undelivered rows get an index for the metric that counts them.
 */
export class LowBalanceEventTimes1764700000000 implements MigrationInterface {
  name = 'LowBalanceEventTimes1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE low_balance_events ALTER COLUMN fired_at SET DEFAULT clock_timestamp()`);
    await db.query(
      `UPDATE low_balance_events SET failed_at = NULL WHERE delivered_at IS NOT NULL AND failed_at IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX low_balance_events_undelivered_idx ON low_balance_events (company_id) WHERE failed_at IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX low_balance_events_undelivered_idx`);
    await db.query(`ALTER TABLE low_balance_events ALTER COLUMN fired_at SET DEFAULT now()`);
  }
}
