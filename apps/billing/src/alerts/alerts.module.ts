import { Module } from '@nestjs/common';
import { LowBalanceAlertController } from './low-balance-alert.controller';
import { LowBalanceAlerts } from './low-balance-alerts.service';
import { LowBalanceOutbox } from './low-balance-outbox.service';
import { LowBalanceWebhookProcessor } from './low-balance-webhook.processor';

/** Low-balance alerts: their settings, the outbox of fired alerts and the webhook deliveries. */
@Module({
  controllers: [LowBalanceAlertController],
  providers: [LowBalanceAlerts, LowBalanceOutbox, LowBalanceWebhookProcessor],
  exports: [LowBalanceOutbox],
})
export class AlertsModule {}
