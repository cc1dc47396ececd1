import { MigrationInterface, QueryRunner } from 'typeorm';

/** The values this migration enforces; ledger-schema.spec.ts fails when the code's lists move past them. */
export const CONSTRAINED_ENCODINGS = ['linear16', 'mulaw', 'alaw'];
export const CONSTRAINED_CONTAINERS = ['wav', 'none'];

const list = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * The database enforces what the code assumes: known encodings and containers, positive rates,
 * non-negative usage and charges, non-zero top-ups. Existing rows already satisfy them (the validator
 * and the admin API refuse anything else), so adding them is a plain validation pass.
 */
export class LedgerConstraints1764600000000 implements MigrationInterface {
  name = 'LedgerConstraints1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE usage_ledger
        ADD CONSTRAINT usage_ledger_encoding_check CHECK (encoding IN (${list(CONSTRAINED_ENCODINGS)})),
        ADD CONSTRAINT usage_ledger_container_check CHECK (container IN (${list(CONSTRAINED_CONTAINERS)})),
        ADD CONSTRAINT usage_ledger_sample_rate_check CHECK (sample_rate > 0),
        ADD CONSTRAINT usage_ledger_amounts_check CHECK (audio_bytes >= 0 AND characters >= 0 AND seconds >= 0
          AND credits >= 0 AND credits_per_minute >= 0)`);
    await db.query(`ALTER TABLE credit_top_ups ADD CONSTRAINT credit_top_ups_amount_check CHECK (amount <> 0)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE credit_top_ups DROP CONSTRAINT credit_top_ups_amount_check`);
    await db.query(`
      ALTER TABLE usage_ledger DROP CONSTRAINT usage_ledger_encoding_check,
        DROP CONSTRAINT usage_ledger_container_check, DROP CONSTRAINT usage_ledger_sample_rate_check,
        DROP CONSTRAINT usage_ledger_amounts_check`);
  }
}
