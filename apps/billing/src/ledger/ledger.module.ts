import { Module } from '@nestjs/common';
import { CreditLedger } from './credit-ledger.service';

/** The credit ledger: every balance change, with its low-balance crossings, in one transaction. */
@Module({ providers: [CreditLedger], exports: [CreditLedger] })
export class LedgerModule {}
