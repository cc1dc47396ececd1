import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { BillingEnv } from '@tts/config';
import { QueueName } from '@tts/protocol';
import { BILLING_ENV } from '../config/billing-env.provider';
import {
  WEBHOOK_JOB_LOCK_MS,
  WEBHOOK_MAX_STALLED_COUNT,
  WEBHOOK_STALLED_INTERVAL_MS,
  WEBHOOK_WORKER_CONCURRENCY,
} from '../config/billing.constants';
import { BillingMetrics } from '../metrics/billing-metrics.service';
import { LowBalanceEventRow, lowBalanceWebhookBody } from './low-balance-webhook';
import { WebhookJob } from './low-balance-outbox.service';
import { SIGNATURE_HEADER, webhookSignature } from './webhook-signature';
import { PrivateAddressError, WebhookSender } from './webhook-sender';

/** POSTs one fired low-balance alert to its webhook; a non-2xx or a timeout fails the attempt (retried). */
@Processor(QueueName.LowBalanceWebhooks, {
  concurrency: WEBHOOK_WORKER_CONCURRENCY,
  lockDuration: WEBHOOK_JOB_LOCK_MS,
  stalledInterval: WEBHOOK_STALLED_INTERVAL_MS,
  maxStalledCount: WEBHOOK_MAX_STALLED_COUNT,
})
export class LowBalanceWebhookProcessor extends WorkerHost implements OnApplicationShutdown {
  /** Every delivery connects through its pinned lookup: the address checked is the address used. */
  private readonly sender: WebhookSender;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(BILLING_ENV) private readonly env: BillingEnv,
    private readonly metrics: BillingMetrics,
    private readonly logger: PinoLogger,
  ) {
    super();
    logger.setContext(LowBalanceWebhookProcessor.name);
    this.sender = new WebhookSender({
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    });
  }

  async process(job: Job<WebhookJob>): Promise<void> {
    const [row]: LowBalanceEventRow[] = await this.db.query(
      `SELECT event_id::text, company_id, balance_credits::text, threshold_credits::text, webhook_url, fired_at,
              delivered_at
         FROM low_balance_events WHERE event_id = $1::uuid`,
      [job.data.event_id],
    );
    if (!row) throw new UnrecoverableError('no such low balance event');
    if (row.delivered_at) return; // a re-queued copy of a delivered alert
    const secret = this.env.WEBHOOK_SIGNING_SECRET;
    if (!secret) throw new UnrecoverableError('WEBHOOK_SIGNING_SECRET is not set: cannot sign');
    const body = lowBalanceWebhookBody(row, new Date()); // sent_at: this attempt, signed with the rest
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: webhookSignature(body, secret) };
    const status = await this.sender.post(row.webhook_url, body, headers).catch((e: Error) => {
      // A name pointing at a private address now (re-pointed after arming) fails for good.
      throw e instanceof PrivateAddressError ? new UnrecoverableError(e.message) : e;
    });
    if (status < 200 || status > 299) throw new Error(`webhook answered ${status}`);
    // A delivery after the last automatic attempt (retried from the queue dashboard) is no longer failed.
    await this.db.query(
      `UPDATE low_balance_events SET delivered_at = now(), failed_at = NULL WHERE event_id = $1::uuid`,
      [row.event_id],
    );
    this.metrics.alertsDelivered.inc();
    this.logger.info({ company_id: row.company_id, event_id: row.event_id }, 'low balance webhook delivered');
  }

  onApplicationShutdown(): void {
    this.sender.close();
  }

  /** Worker-level errors (Redis, an expired lock): the job itself is retried; without a listener they surface unhandled. */
  @OnWorkerEvent('error')
  onError(err: Error): void {
    this.logger.warn({ err: err.message }, 'webhook worker error');
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<WebhookJob> | undefined, err: Error): Promise<void> {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    this.logger.warn(
      { event_id: job.data.event_id, attempt: job.attemptsMade, final, err: err.message },
      'webhook failed',
    );
    if (!final) return;
    this.metrics.alertsFailed.inc();
    // Never over a delivery: a copy of a delivered alert cannot make it failed again.
    await this.db
      .query(`UPDATE low_balance_events SET failed_at = now() WHERE event_id = $1::uuid AND delivered_at IS NULL`, [
        job.data.event_id,
      ])
      .catch(() => undefined);
  }
}
