import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'timers/promises';
import { DataSource } from 'typeorm';
import { LowBalanceOutbox } from '../alerts/low-balance-outbox.service';
import { BalancePublisher } from '../balance/balance-publisher.service';
import { TOP_UP_PUBLISH_WAIT_MS } from '../config/billing.constants';
import { CreditLedger, TopUpResult } from '../ledger/credit-ledger.service';
import { CompanyEntity } from './company.entity';

@Injectable()
export class CompaniesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: CreditLedger,
    private readonly balances: BalancePublisher,
    private readonly alerts: LowBalanceOutbox,
  ) {}

  find(companyId: string): Promise<CompanyEntity | null> {
    return this.db.getRepository(CompanyEntity).findOneBy({ companyId });
  }

  /** Creates the company (balance 0) or renames it; safe to repeat. */
  async upsert(companyId: string, name: string | undefined): Promise<CompanyEntity> {
    await this.db.query(
      `INSERT INTO companies (company_id, name) VALUES ($1, $2)
       ON CONFLICT (company_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, companies.name),
         updated_at = CASE WHEN EXCLUDED.name IS DISTINCT FROM companies.name AND EXCLUDED.name IS NOT NULL
                           THEN now() ELSE companies.updated_at END`,
      [companyId, name ?? null],
    );
    // A snapshot, not a change: best effort (the periodic refresh covers a failed write).
    let company: CompanyEntity | undefined;
    const read = async () => {
      company = (await this.find(companyId))!;
      return [{ companyId, balance: company.balanceCredits, version: company.balanceVersion, decreased: false }];
    };
    await this.balances.publishSnapshot(read).catch(() => (company ? [] : read()));
    return company!;
  }

  /**
   * `amount`: exact decimal text (see credit-amount.ts); never a float. Once committed, the answer never
   * waits out a Redis outage: alerts not queued now stay in the outbox for its sweep, and the cache write
   * waits at most TOP_UP_PUBLISH_WAIT_MS (the publisher goes on retrying, the periodic refresh heals the rest).
   */
  async topUp(companyId: string, amount: string, reference: string): Promise<TopUpResult | undefined> {
    const result = await this.ledger.topUp(companyId, amount, reference);
    // dispatch logs its own failures; the catch only keeps an odd rejection from crashing the process.
    if (result?.alerts) void this.alerts.dispatch(result.alerts).catch(() => undefined);
    if (result?.change) {
      await Promise.race([
        this.balances.publish([result.change]),
        sleep(TOP_UP_PUBLISH_WAIT_MS, undefined, { ref: false }),
      ]);
    }
    return result;
  }
}
