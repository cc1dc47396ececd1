import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { BillingEnv } from '@tts/config';
import { JobName, QueueName } from '@tts/protocol';
import { BILLING_ENV } from '../config/billing-env.provider';
import { ALERT_OUTBOX_GRACE_MS, ALERT_OUTBOX_SWEEP_MS, WEBHOOK_KEEP_COMPLETED_S } from '../config/billing.constants';
import { BillingMetrics } from '../metrics/billing-metrics.service';
import { FiredAlert } from '../ledger/low-balance-crossings';

export interface WebhookJob {
  event_id: string;
}

/**
 * Moves fired alerts (outbox rows committed with the balance change) onto the webhook queue. Right after
 * commit, and again from a periodic sweep for rows whose queueing a crash cut short; the job id is the
 * event_id, so queueing twice delivers once.
 */
@Injectable()
export class LowBalanceOutbox implements OnModuleInit, OnApplicationShutdown {
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.LowBalanceWebhooks) private readonly queue: Queue<WebhookJob>,
    @Inject(BILLING_ENV) private readonly env: BillingEnv,
    private readonly metrics: BillingMetrics,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(LowBalanceOutbox.name);
  }

  onModuleInit(): void {
    this.scheduleSweep();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.sweeper);
  }

  /** The next sweep starts when this one has finished: a slow Redis never stacks sweeps of the same rows. */
  private scheduleSweep(): void {
    if (this.stopped) return;
    this.sweeper = setTimeout(() => void this.sweep().finally(() => this.scheduleSweep()), ALERT_OUTBOX_SWEEP_MS);
  }

  /** Never throws: what fails to queue now stays in the outbox for the sweep. */
  async dispatch(alerts: FiredAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    try {
      await this.queue.addBulk(
        alerts.map((a) => ({
          name: JobName.BalanceLow,
          data: { event_id: a.eventId },
          opts: {
            jobId: a.eventId,
            attempts: this.env.WEBHOOK_ATTEMPTS,
            backoff: { type: 'exponential', delay: this.env.WEBHOOK_RETRY_BASE_MS },
            removeOnComplete: { age: WEBHOOK_KEEP_COMPLETED_S },
            removeOnFail: false,
          },
        })),
      );
      // UPDATE through DataSource.query answers [rows, affected]: affected = rows queued for the first time.
      const [, firstTime] = await this.db.query(
        `UPDATE low_balance_events SET enqueued_at = now() WHERE event_id = ANY($1::uuid[]) AND enqueued_at IS NULL
         RETURNING event_id`,
        [alerts.map((a) => a.eventId)],
      );
      this.metrics.alertsFired.inc(firstTime);
      for (const a of alerts) this.logger.info({ company_id: a.companyId, event_id: a.eventId }, 'low balance alert');
    } catch (e) {
      this.logger.warn({ err: (e as Error).message, alerts: alerts.length }, 'low balance alert not queued yet');
    }
  }

  /** Queues outbox rows left unqueued (their process died between commit and queueing). */
  async sweep(): Promise<void> {
    try {
      const rows: FiredAlert[] = await this.db.query(
        `SELECT event_id::text AS "eventId", company_id AS "companyId" FROM low_balance_events
          WHERE enqueued_at IS NULL AND fired_at < now() - make_interval(secs => $1) ORDER BY fired_at LIMIT 500`,
        [ALERT_OUTBOX_GRACE_MS / 1000],
      );
      await this.dispatch(rows);
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'low balance outbox sweep failed');
    }
  }
}
