import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UsageEvent } from '@tts/protocol';
import { formatUnits, parseUnits } from './credit-units';
import { UsagePricing } from './usage-pricing';

/** A company's balance right after a committed change. */
export interface BalanceChange {
  companyId: string;
  balance: string;
  version: string;
  /** True when the change lowered the balance (a charge or a negative top-up). */
  decreased: boolean;
}

interface PricedEvent {
  event: UsageEvent;
  charge: { seconds: string; credits: string };
}

export interface UsageBatchResult {
  applied: number;
  duplicates: number;
  /**
   * The balance of EVERY company in the batch as committed, duplicates-only companies included: a batch
   * redelivered after a crash between commit and publish must still refresh the cache and re-announce.
   */
  balances: BalanceChange[];
}

export interface TopUpResult {
  applied: boolean;
  /** The top-up already recorded under this reference belongs to another company or amount. */
  conflict: boolean;
  change?: BalanceChange;
}

/**
 * The ledger: every balance change is a ledger row (usage charge or top-up) written in the same
 * transaction as the balance update, and each row is unique on its idempotency key.
 */
@Injectable()
export class CreditLedger {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly pricing: UsagePricing,
  ) {}

  /**
   * Applies a batch of usage events in ONE transaction: rows already in the ledger are skipped,
   * each company's balance drops by the sum of its newly inserted rows. Unknown companies are
   * created with a zero balance and charged (balances may go negative; usage is never dropped).
   */
  async applyUsage(events: UsageEvent[]): Promise<UsageBatchResult> {
    const unique = [...new Map(events.map((e) => [e.event_id, e])).values()].sort((a, b) =>
      a.event_id < b.event_id ? -1 : 1,
    );
    const companies = [...new Set(unique.map((e) => e.company_id))].sort();
    const rows: PricedEvent[] = unique.map((e) => ({
      event: e,
      charge: this.pricing.charge(e.audio_bytes, e.encoding, e.sample_rate),
    }));
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO companies (company_id) SELECT unnest($1::varchar[]) ON CONFLICT (company_id) DO NOTHING`,
        [companies],
      );
      // Lock in a fixed order so concurrent batches touching several companies cannot deadlock.
      await tx.query(`SELECT 1 FROM companies WHERE company_id = ANY($1) ORDER BY company_id FOR UPDATE`, [companies]);
      const applied = await this.insertAndCharge(tx, rows);
      // Read under the row locks taken above: exactly the state this transaction commits.
      const current: Array<{ company_id: string; balance: string; version: string }> = await tx.query(
        `SELECT company_id, balance_credits::text AS balance, balance_version::text AS version
           FROM companies WHERE company_id = ANY($1)`,
        [companies],
      );
      return {
        applied,
        duplicates: rows.length - applied,
        // Usage only ever lowers a balance: every touched company at or below zero is (re-)announced.
        balances: current.map((r) => ({
          companyId: r.company_id,
          balance: r.balance,
          version: r.version,
          decreased: true,
        })),
      };
    });
  }

  /** Inserts the rows not yet in the ledger and charges their companies; returns how many were new. */
  private async insertAndCharge(tx: EntityManager, rows: PricedEvent[]): Promise<number> {
    const col = <T>(f: (r: PricedEvent) => T) => rows.map(f);
    const result: Array<{ inserted: string }> = await records(
      tx,
      `WITH ins AS (
         INSERT INTO usage_ledger (event_id, company_id, user_id, session_id, connection_id, gateway_id, model,
           encoding, sample_rate, container, audio_bytes, characters, seconds, credits, interval_start,
           interval_end, final, credits_per_minute)
         SELECT u.*, $15::numeric FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[],
           $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[], $9::int[], $10::varchar[], $11::bigint[],
           $12::bigint[], $13::numeric[], $14::numeric[], $16::timestamptz[], $17::timestamptz[], $18::boolean[])
           AS u(event_id, company_id, user_id, session_id, connection_id, gateway_id, model, encoding, sample_rate,
             container, audio_bytes, characters, seconds, credits, interval_start, interval_end, final)
         ON CONFLICT (event_id) DO NOTHING
         RETURNING company_id, credits
       ), sums AS (
         SELECT company_id, sum(credits) AS total, count(*) AS inserted FROM ins GROUP BY company_id
       )
       UPDATE companies c
          SET balance_credits = c.balance_credits - s.total, balance_version = c.balance_version + 1, updated_at = now()
         FROM sums s
        WHERE c.company_id = s.company_id
       RETURNING s.inserted::text AS inserted`,
      [
        col((r) => r.event.event_id),
        col((r) => r.event.company_id),
        col((r) => r.event.user_id),
        col((r) => r.event.session_id),
        col((r) => r.event.connection_id),
        col((r) => r.event.gateway_id),
        col((r) => r.event.model),
        col((r) => r.event.encoding),
        col((r) => r.event.sample_rate),
        col((r) => r.event.container),
        col((r) => r.event.audio_bytes),
        col((r) => r.event.characters),
        col((r) => r.charge.seconds),
        col((r) => r.charge.credits),
        this.pricing.creditsPerMinute,
        col((r) => r.event.interval_start),
        col((r) => r.event.interval_end),
        col((r) => r.event.final),
      ],
    );
    return result.reduce((n, r) => n + Number(r.inserted), 0);
  }

  /** Adds (or, negative, removes) credits once per `reference`. Returns undefined for an unknown company. */
  async topUp(companyId: string, amount: string, reference: string): Promise<TopUpResult | undefined> {
    const units = parseUnits(amount);
    return this.db.transaction(async (tx) => {
      const [company] = await tx.query(`SELECT 1 FROM companies WHERE company_id = $1 FOR UPDATE`, [companyId]);
      if (!company) return undefined;
      const inserted = await tx.query(
        `INSERT INTO credit_top_ups (reference, company_id, amount) VALUES ($1, $2, $3)
         ON CONFLICT (reference) DO NOTHING RETURNING id`,
        [reference, companyId, formatUnits(units)],
      );
      if (inserted.length === 0) {
        const [previous] = await tx.query(
          `SELECT company_id, amount::text AS amount FROM credit_top_ups WHERE reference = $1`,
          [reference],
        );
        const same = previous && previous.company_id === companyId && parseUnits(previous.amount) === units;
        return { applied: false, conflict: !same };
      }
      const [row] = await records<{ balance: string; version: string }>(
        tx,
        `UPDATE companies SET balance_credits = balance_credits + $2, balance_version = balance_version + 1,
                updated_at = now()
          WHERE company_id = $1
         RETURNING balance_credits::text AS balance, balance_version::text AS version`,
        [companyId, formatUnits(units)],
      );
      return {
        applied: true,
        conflict: false,
        change: { companyId, balance: row.balance, version: row.version, decreased: units < 0n },
      };
    });
  }
}

/** Rows of any statement (TypeORM returns [rows, count] for UPDATE ... RETURNING through EntityManager.query). */
async function records<T>(tx: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result = await tx.queryRunner!.query(sql, params, true);
  return result.records as T[];
}
