import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { UsageEvent } from '@tts/protocol';
import { LowBalanceOutbox } from '../alerts/low-balance-outbox.service';
import { BalancePublisher } from '../balance/balance-publisher.service';
import { USAGE_BATCH_LINGER_MS, USAGE_BATCH_MAX_EVENTS } from '../config/billing.constants';
import { CreditLedger } from '../ledger/credit-ledger.service';
import { BillingMetrics } from '../metrics/billing-metrics.service';
import { usageEventProblems } from './usage-event.validator';

interface Pending {
  event: UsageEvent;
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * Applies one usage event to the ledger. Concurrent calls are grouped (group commit): while one
 * batch is being written the next one fills, and each is ONE transaction, so a hot company costs
 * one balance update per batch. A call resolves only after its batch has committed.
 */
@Injectable()
export class ApplyUsageUseCase {
  private pending: Pending[] = [];
  private writing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ledger: CreditLedger,
    private readonly balances: BalancePublisher,
    private readonly alerts: LowBalanceOutbox,
    private readonly metrics: BillingMetrics,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(ApplyUsageUseCase.name);
  }

  execute(data: unknown): Promise<void> {
    const problems = usageEventProblems(data);
    if (problems.length > 0) {
      this.metrics.failed.inc();
      // Permanent: retrying cannot fix a malformed event; the failed job is kept for the billing team.
      return Promise.reject(new UnrecoverableError(`invalid usage event: ${problems.join('; ')}`));
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ event: data as UsageEvent, resolve, reject });
      if (this.pending.length >= USAGE_BATCH_MAX_EVENTS) this.write();
      else this.timer ??= setTimeout(() => this.write(), USAGE_BATCH_LINGER_MS);
    });
  }

  private write(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || this.pending.length === 0) return;
    const batch = this.pending.splice(0, USAGE_BATCH_MAX_EVENTS);
    this.writing = true;
    this.commit(batch).finally(() => {
      this.writing = false;
      if (this.pending.length > 0) this.write();
    });
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      const result = await this.ledger.applyUsage(batch.map((p) => p.event));
      this.metrics.applied.inc(result.applied);
      this.metrics.duplicates.inc(result.duplicates);
      for (const p of batch) p.resolve();
      this.logger.debug(
        { events: batch.length, applied: result.applied, companies: result.balances.map((c) => c.companyId) },
        'usage batch applied',
      );
      // Not awaited: the next batch must not wait on Redis; versioned cache writes tolerate overlap.
      // Duplicates-only batches publish too: their first delivery may have died between commit and publish.
      this.balances
        .publish(result.balances)
        .catch((e: Error) => this.logger.error({ err: e.message }, 'balance publish failed'));
      void this.alerts.dispatch(result.alerts);
    } catch (e) {
      // One poisonous event must not keep failing its batch-mates: retry them one by one.
      if (batch.length > 1) {
        for (const p of batch) await this.commit([p]);
        return;
      }
      this.metrics.failed.inc(batch.length);
      this.logger.error(
        {
          err: (e as Error).message,
          events: batch.length,
          company_ids: [...new Set(batch.map((p) => p.event.company_id))],
        },
        'usage batch failed; jobs will be retried',
      );
      for (const p of batch) p.reject(e);
    }
  }
}
