import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBillingTables1764070000000 implements MigrationInterface {
  name = 'CreateBillingTables1764070000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE companies (
        company_id varchar(128) PRIMARY KEY,
        name text,
        balance_credits numeric(38,18) NOT NULL DEFAULT 0,
        balance_version bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE usage_ledger (
        id bigserial PRIMARY KEY,
        event_id varchar(300) NOT NULL,
        company_id varchar(128) NOT NULL REFERENCES companies (company_id),
        user_id varchar(128) NOT NULL,
        session_id varchar(128) NOT NULL,
        connection_id varchar(128) NOT NULL,
        gateway_id varchar(200) NOT NULL,
        model varchar(100) NOT NULL,
        encoding varchar(16) NOT NULL,
        sample_rate integer NOT NULL,
        container varchar(8) NOT NULL,
        audio_bytes bigint NOT NULL,
        characters bigint NOT NULL,
        seconds numeric(38,18) NOT NULL,
        credits numeric(38,18) NOT NULL,
        credits_per_minute numeric(20,6) NOT NULL,
        interval_start timestamptz NOT NULL,
        interval_end timestamptz NOT NULL,
        final boolean NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT usage_ledger_event_id_key UNIQUE (event_id)
      )`);
    await db.query(`CREATE INDEX usage_ledger_company_interval_idx ON usage_ledger (company_id, interval_end)`);
    await db.query(`CREATE INDEX usage_ledger_company_session_idx ON usage_ledger (company_id, session_id)`);
    await db.query(`
      CREATE TABLE credit_top_ups (
        id bigserial PRIMARY KEY,
        reference varchar(200) NOT NULL,
        company_id varchar(128) NOT NULL REFERENCES companies (company_id),
        amount numeric(38,18) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT credit_top_ups_reference_key UNIQUE (reference)
      )`);
    await db.query(`CREATE INDEX credit_top_ups_company_idx ON credit_top_ups (company_id, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE credit_top_ups`);
    await db.query(`DROP TABLE usage_ledger`);
    await db.query(`DROP TABLE companies`);
  }
}
