import { toReportedNumber } from '../ledger/credit-units';
import { CompanyEntity } from './company.entity';

/** The admin API's shape of a company: credits as a JSON number rounded to 6 decimals. */
export interface CompanyView {
  company_id: string;
  name: string | null;
  balance_credits: number;
  updated_at: string;
}

export function companyView(c: CompanyEntity): CompanyView {
  return {
    company_id: c.companyId,
    name: c.name,
    balance_credits: toReportedNumber(c.balanceCredits),
    updated_at: c.updatedAt.toISOString(),
  };
}
