import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { BalanceModule } from '../balance/balance.module';
import { LedgerModule } from '../ledger/ledger.module';
import { CompaniesController } from './companies.controller';
import { CompaniesService } from './companies.service';

/** Companies and their top-ups. */
@Module({
  imports: [LedgerModule, BalanceModule, AlertsModule],
  controllers: [CompaniesController],
  providers: [CompaniesService],
  exports: [CompaniesService],
})
export class CompaniesModule {}
