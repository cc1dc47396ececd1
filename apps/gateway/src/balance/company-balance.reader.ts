import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { toReportedNumber } from '@tts/protocol';
import { BalanceCache } from '../credits/balance-cache';

export interface CompanyBalance {
  company_id: string;
  /** Rounded to 6 decimals (half away from zero), exactly as billing reports every credit figure. */
  balance_credits: number;
  /** The cached decimal exactly as billing wrote it, for clients that compare balances to the last digit. */
  balance_exact: string;
}

/** Reads the balance billing keeps in Redis for gateways; never asks billing itself (it is a read of the cache). */
@Injectable()
export class CompanyBalanceReader {
  constructor(private readonly balances: BalanceCache) {}

  /** The company's cached balance, or null when billing has not cached one (unknown or not yet used). */
  async read(companyId: string): Promise<CompanyBalance | null> {
    // A request must not hang on a Redis outage: the cache's reads time out, and that is a 503.
    const value = await this.balances.get(companyId).catch(() => {
      throw new ServiceUnavailableException('balance temporarily unavailable, retry shortly');
    });
    if (value === null) return null;
    let rounded: number;
    try {
      rounded = toReportedNumber(value);
    } catch {
      // Billing writes decimals only; anything else in the cache is not a balance to show.
      throw new ServiceUnavailableException('balance temporarily unavailable, retry shortly');
    }
    return { company_id: companyId, balance_credits: rounded, balance_exact: value };
  }
}
