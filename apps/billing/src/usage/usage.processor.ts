import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Job, UnrecoverableError } from 'bullmq';
import { JobName, QueueName } from '@tts/protocol';
import {
  USAGE_JOB_LOCK_MS,
  USAGE_MAX_STALLED_COUNT,
  USAGE_STALLED_INTERVAL_MS,
  USAGE_WORKER_CONCURRENCY,
} from '../config/billing.constants';
import { BillingMetrics } from '../metrics/billing-metrics.service';
import { ApplyUsageUseCase } from './apply-usage.use-case';

/** Thin worker: one usage job -> the ledger use-case. */
@Processor(QueueName.TtsUsage, {
  concurrency: USAGE_WORKER_CONCURRENCY,
  lockDuration: USAGE_JOB_LOCK_MS,
  stalledInterval: USAGE_STALLED_INTERVAL_MS,
  maxStalledCount: USAGE_MAX_STALLED_COUNT,
})
export class UsageProcessor extends WorkerHost {
  constructor(
    private readonly applyUsage: ApplyUsageUseCase,
    private readonly metrics: BillingMetrics,
    private readonly logger: PinoLogger,
  ) {
    super();
    logger.setContext(UsageProcessor.name);
  }

  /**
   * Worker-level errors (Redis, a lock lost under load): the job is retried and the ledger makes the
   * retry harmless; without a listener they surface as unhandled errors.
   */
  @OnWorkerEvent('error')
  onError(err: Error): void {
    this.logger.warn({ err: err.message }, 'usage worker error');
  }

  async process(job: Job<unknown>): Promise<void> {
    if (job.name !== JobName.Usage) {
      this.metrics.failed.inc();
      // Permanent and kept as failed: a job of another kind on this queue is a producer bug, not usage.
      throw new UnrecoverableError(`unknown job name on ${QueueName.TtsUsage}: ${job.name.slice(0, 100)}`);
    }
    this.metrics.lag.observe((Date.now() - job.timestamp) / 1000);
    await this.applyUsage.execute(job.data);
  }
}
