import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BalancePublisher } from '../balance/balance-publisher.service';
import { CreditLedger, TopUpResult } from '../ledger/credit-ledger.service';
import { CompanyEntity } from './company.entity';

@Injectable()
export class CompaniesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: CreditLedger,
    private readonly balances: BalancePublisher,
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
    const company = (await this.find(companyId))!;
    await this.balances.publish([
      { companyId, balance: company.balanceCredits, version: company.balanceVersion, decreased: false },
    ]);
    return company;
  }

  async topUp(companyId: string, amount: number, reference: string): Promise<TopUpResult | undefined> {
    // JSON numbers with <= 6 decimals print exactly with toFixed(6); the ledger takes it from there as a decimal.
    const result = await this.ledger.topUp(companyId, amount.toFixed(6), reference);
    if (result?.change) await this.balances.publish([result.change]);
    return result;
  }
}
