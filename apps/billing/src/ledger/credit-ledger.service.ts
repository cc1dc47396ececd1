import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UsageEvent, formatUnits, parseUnits } from '@tts/protocol';
import { FiredAlert, detectCrossings } from './low-balance-crossings';
import { records } from './sql-records';
import { INSERT_USAGE_ROWS_SQL, UsageLedgerRow, usageLedgerRow } from './usage-ledger-row';
import { UsagePricing } from './usage-pricing';

/** A company's balance right after a committed change. */
export interface BalanceChange {
  companyId: string;
  balance: string;
  version: string;
  /** True when the change lowered the balance (a charge or a negative top-up). */
  decreased: boolean;
}

export interface UsageBatchResult {
  applied: number;
  duplicates: number;
  /**
   * The balance of EVERY company in the batch as committed, duplicates-only companies included: a batch
   * redelivered after a crash between commit and publish must still refresh the cache and re-announce.
   */
  balances: BalanceChange[];
  /** Low-balance alerts fired by this batch, committed with it (outbox rows still to be delivered). */
  alerts: FiredAlert[];
}

export interface TopUpResult {
  applied: boolean;
  /** The top-up already recorded under this reference belongs to another company or amount. */
  conflict: boolean;
  change?: BalanceChange;
  /** Low-balance alerts this top-up fired (a negative amount can cross a threshold too). */
  alerts?: FiredAlert[];
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
   * each company's balance drops by the sum of its newly inserted rows, and low-balance crossings
   * are recorded. Unknown companies are created with a zero balance and charged (balances may go
   * negative; usage is never dropped).
   */
  async applyUsage(events: UsageEvent[]): Promise<UsageBatchResult> {
    const unique = [...new Map(events.map((e) => [e.event_id, e])).values()].sort((a, b) =>
      a.event_id < b.event_id ? -1 : 1,
    );
    const companies = [...new Set(unique.map((e) => e.company_id))].sort();
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO companies (company_id) SELECT unnest($1::varchar[]) ON CONFLICT (company_id) DO NOTHING`,
        [companies],
      );
      // Lock in a fixed order so concurrent batches touching several companies cannot deadlock.
      const locked: Array<{ company_id: string; version: string }> = await tx.query(
        `SELECT company_id, balance_version::text AS version FROM companies WHERE company_id = ANY($1)
          ORDER BY company_id FOR UPDATE`,
        [companies],
      );
      const nextVersion = new Map(locked.map((r) => [r.company_id, (BigInt(r.version) + 1n).toString()]));
      const rows = unique.map((e) =>
        usageLedgerRow(
          e,
          this.pricing.charge(e.audio_bytes, e.encoding, e.sample_rate),
          this.pricing.creditsPerMinute,
          nextVersion.get(e.company_id)!,
        ),
      );
      const applied = await this.insertAndCharge(tx, rows);
      const alerts = await detectCrossings(tx, companies);
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
        alerts,
      };
    });
  }

  /** Inserts the rows not yet in the ledger and charges their companies; returns how many were new. */
  private async insertAndCharge(tx: EntityManager, rows: UsageLedgerRow[]): Promise<number> {
    const result: Array<{ inserted: string }> = await records(
      tx,
      `WITH ins AS (${INSERT_USAGE_ROWS_SQL}),
       sums AS (SELECT company_id, sum(credits) AS total, count(*) AS inserted FROM ins GROUP BY company_id)
       UPDATE companies c
          SET balance_credits = c.balance_credits - s.total, balance_version = c.balance_version + 1, updated_at = now()
         FROM sums s
        WHERE c.company_id = s.company_id
       RETURNING s.inserted::text AS inserted`,
      [JSON.stringify(rows)],
    );
    return result.reduce((n, r) => n + Number(r.inserted), 0);
  }

  /** Adds (or, negative, removes) credits once per `reference`. Returns undefined for an unknown company. */
  async topUp(companyId: string, amount: string, reference: string): Promise<TopUpResult | undefined> {
    const units = parseUnits(amount);
    return this.db.transaction(async (tx) => {
      const [company] = await tx.query(
        `SELECT balance_version::text AS version FROM companies WHERE company_id = $1 FOR UPDATE`,
        [companyId],
      );
      if (!company) return undefined;
      const inserted = await tx.query(
        `INSERT INTO credit_top_ups (reference, company_id, amount, balance_version) VALUES ($1, $2, $3, $4)
         ON CONFLICT (reference) DO NOTHING RETURNING id`,
        [reference, companyId, formatUnits(units), (BigInt(company.version) + 1n).toString()],
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
        alerts: await detectCrossings(tx, [companyId]),
      };
    });
  }
}
