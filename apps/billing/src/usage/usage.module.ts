import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { BalanceModule } from '../balance/balance.module';
import { CompaniesModule } from '../companies/companies.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ApplyUsageUseCase } from './apply-usage.use-case';
import { UsageExportService } from './usage-export.service';
import { UsageReportService } from './usage-report.service';
import { UsageController } from './usage.controller';
import { UsageProcessor } from './usage.processor';

/** Usage: the worker that applies usage events, and the reports and exports of what was applied. */
@Module({
  imports: [LedgerModule, BalanceModule, AlertsModule, CompaniesModule],
  controllers: [UsageController],
  providers: [ApplyUsageUseCase, UsageProcessor, UsageReportService, UsageExportService],
})
export class UsageModule {}
