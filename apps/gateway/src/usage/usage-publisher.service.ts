import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Queue } from 'bullmq';
import {
  JobName,
  USAGE_JOB_ATTEMPTS,
  USAGE_JOB_BACKOFF_DELAY_MS,
  USAGE_JOB_KEEP_COMPLETED,
  UsageEvent,
  usageJobId,
} from '@tts/protocol';
import { GatewayMetrics } from '../metrics/gateway-metrics.service';
import {
  PUBLISH_BULK_MAX,
  PUBLISH_RETRY_MAX_MS,
  PUBLISH_RETRY_MIN_MS,
  SHUTDOWN_PUBLISH_TIMEOUT_MS,
} from './usage.constants';

export const USAGE_QUEUE = Symbol('USAGE_QUEUE');

const JOB_OPTIONS = {
  attempts: USAGE_JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: USAGE_JOB_BACKOFF_DELAY_MS },
  removeOnComplete: USAGE_JOB_KEEP_COMPLETED,
  removeOnFail: false,
} as const;

/**
 * Hands usage events to the tts-usage queue. Events are held in memory until Redis accepted
 * them: while Redis is unreachable they are retried with backoff, and shutdown publishes what
 * is held before the process exits (bounded). jobId = event_id, so a re-publish is harmless.
 */
@Injectable()
export class UsagePublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(UsagePublisher.name);
  private readonly held = new Map<string, UsageEvent>();
  private inFlight: Promise<void> | undefined;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(USAGE_QUEUE) private readonly queue: Queue,
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {
    queue.on('error', (err: Error) => this.logger.debug({ err: err.message }, 'usage queue connection error'));
  }

  /** Events not yet accepted by Redis. */
  get pending(): number {
    return this.held.size;
  }

  hold(event: UsageEvent): void {
    this.held.set(event.event_id, event);
  }

  /** Publishes everything held; resolves when it is in Redis or when this attempt failed (a retry is scheduled). */
  flush(): Promise<void> {
    this.inFlight ??= this.publishHeld().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async publishHeld(): Promise<void> {
    while (this.held.size > 0) {
      const batch = [...this.held.values()].slice(0, PUBLISH_BULK_MAX);
      try {
        await this.queue.addBulk(
          batch.map((e) => ({ name: JobName.Usage, data: e, opts: { ...JOB_OPTIONS, jobId: usageJobId(e.event_id) } })),
        );
      } catch (err) {
        this.failed(err as Error, batch.length);
        return;
      }
      for (const e of batch) this.held.delete(e.event_id);
      this.metrics?.usageEventsPublished.inc(batch.length);
      if (this.failures > 0) this.logger.log({ held: this.held.size }, 'usage queue reachable again');
      this.failures = 0;
    }
  }

  private failed(err: Error, events: number): void {
    this.failures++;
    this.metrics?.usageEventsFailed.inc(events);
    const delay = Math.min(PUBLISH_RETRY_MAX_MS, PUBLISH_RETRY_MIN_MS * 2 ** (this.failures - 1));
    if (this.failures === 1) {
      this.logger.error({ err: err.message, held: this.held.size }, 'usage queue unreachable: holding usage events');
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.flush(), delay * (0.75 + Math.random() * 0.5));
    this.retryTimer.unref();
  }

  /** After the drain (beforeApplicationShutdown) ended the sessions: their final events go out now. */
  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retryTimer);
    const deadline = Date.now() + SHUTDOWN_PUBLISH_TIMEOUT_MS;
    while (this.held.size > 0 && Date.now() < deadline) {
      await Promise.race([this.flush(), sleep(deadline - Date.now())]);
      if (this.held.size > 0) await sleep(Math.min(PUBLISH_RETRY_MIN_MS, Math.max(0, deadline - Date.now())));
    }
    if (this.held.size > 0) {
      this.logger.error(
        { lost: this.held.size, company_ids: [...new Set([...this.held.values()].map((e) => e.company_id))] },
        'usage events could not be published before exit',
      );
    }
    await Promise.race([this.queue.close(), sleep(1000)]);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
