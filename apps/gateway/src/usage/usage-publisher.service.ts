import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
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
  MAX_HELD_USAGE_EVENTS,
  PUBLISH_BULK_MAX,
  PUBLISH_RETRY_MAX_MS,
  PUBLISH_RETRY_MIN_MS,
  SHUTDOWN_PUBLISH_TIMEOUT_MS,
  USAGE_OUTAGE_MAX_INTERVALS,
} from './usage.constants';

export const USAGE_QUEUE = Symbol('USAGE_QUEUE');
export const USAGE_PUBLISH_LIMITS = Symbol('USAGE_PUBLISH_LIMITS');

/** When usage counts as "cannot be recorded" (new sessions are then refused). */
export interface UsagePublishLimits {
  maxHeldEvents: number;
  /** How long publishing may keep failing. */
  maxOutageMs: number;
}

export function usagePublishLimits(reportIntervalMs: number): UsagePublishLimits {
  return { maxHeldEvents: MAX_HELD_USAGE_EVENTS, maxOutageMs: USAGE_OUTAGE_MAX_INTERVALS * reportIntervalMs };
}

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
 * Nothing is ever dropped: past the limits, `canRecord()` turns false and new sessions are refused.
 */
@Injectable()
export class UsagePublisher implements OnApplicationShutdown {
  private readonly held = new Map<string, UsageEvent>();
  private inFlight: Promise<void> | undefined;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** When the current run of failed publishes began. */
  private outageSince: number | undefined;
  private refusing = false;

  constructor(
    @Inject(USAGE_QUEUE) private readonly queue: Queue,
    private readonly logger: PinoLogger,
    @Optional() private readonly metrics?: GatewayMetrics,
    @Optional()
    @Inject(USAGE_PUBLISH_LIMITS)
    private readonly limits: UsagePublishLimits = usagePublishLimits(Number.POSITIVE_INFINITY),
  ) {
    logger.setContext(UsagePublisher.name);
    queue.on('error', (err: Error) => this.logger.debug({ err: err.message }, 'usage queue connection error'));
  }

  /** Events not yet accepted by Redis. */
  get pending(): number {
    return this.held.size;
  }

  hold(event: UsageEvent): void {
    this.held.set(event.event_id, event);
    this.metrics?.usageEventsHeld.set(this.held.size);
  }

  /** False while more than the cap is held or publishing has failed for too long; logged once per such period. */
  canRecord(): boolean {
    const outageMs = this.outageSince === undefined ? 0 : Date.now() - this.outageSince;
    const ok = this.held.size <= this.limits.maxHeldEvents && outageMs <= this.limits.maxOutageMs;
    if (ok === !this.refusing) return ok;
    this.refusing = !ok;
    if (ok) {
      this.logger.info({ held: this.held.size }, 'usage is recorded again: new sessions are admitted');
    } else {
      this.logger.error(
        { held: this.held.size, outage_ms: outageMs },
        'usage cannot be recorded: new sessions are refused',
      );
    }
    return ok;
  }

  /** Redis refused the last publish: the retry timer owns the cadence until it succeeds. */
  get retrying(): boolean {
    return this.failures > 0;
  }

  /** Publishes everything held; resolves when it is in Redis or when this attempt failed (a retry is scheduled). */
  publishHeld(): Promise<void> {
    this.inFlight ??= this.addHeldToQueue().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async addHeldToQueue(): Promise<void> {
    while (this.held.size > 0) {
      const batch = this.nextBatch();
      const jobs = batch.map((e) => ({
        name: JobName.Usage,
        data: e,
        opts: { ...JOB_OPTIONS, jobId: usageJobId(e.event_id) },
      }));
      try {
        // One event (a session ending alone) as a plain add: addBulk's transaction costs a single job
        // about 0.1 ms more CPU (docs/BENCHMARKS.md).
        if (jobs.length === 1) await this.queue.add(jobs[0].name, jobs[0].data, jobs[0].opts);
        else await this.queue.addBulk(jobs);
      } catch (err) {
        this.failed(err as Error, batch.length);
        return;
      }
      for (const e of batch) this.held.delete(e.event_id);
      this.metrics?.usageEventsHeld.set(this.held.size);
      this.metrics?.usageEventsPublished.inc(batch.length);
      if (this.failures > 0) this.logger.info({ held: this.held.size }, 'usage queue reachable again');
      this.failures = 0;
      this.outageSince = undefined;
    }
  }

  /** The oldest held events, without copying all of them (up to MAX_HELD_USAGE_EVENTS after an outage). */
  private nextBatch(): UsageEvent[] {
    const batch: UsageEvent[] = [];
    for (const event of this.held.values()) {
      if (batch.push(event) === PUBLISH_BULK_MAX) break;
    }
    return batch;
  }

  private failed(err: Error, events: number): void {
    this.failures++;
    this.metrics?.usageEventsFailed.inc(events);
    const delay = Math.min(PUBLISH_RETRY_MAX_MS, PUBLISH_RETRY_MIN_MS * 2 ** (this.failures - 1));
    if (this.failures === 1) {
      this.outageSince = Date.now();
      this.logger.error({ err: err.message, held: this.held.size }, 'usage queue unreachable: holding usage events');
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.publishHeld(), delay * (0.75 + Math.random() * 0.5));
    this.retryTimer.unref();
  }

  /** After the drain (beforeApplicationShutdown) ended the sessions: their final events go out now. */
  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retryTimer);
    const deadline = Date.now() + SHUTDOWN_PUBLISH_TIMEOUT_MS;
    while (this.held.size > 0 && Date.now() < deadline) {
      await Promise.race([this.publishHeld(), sleep(deadline - Date.now())]);
      if (this.held.size > 0) await sleep(Math.min(PUBLISH_RETRY_MIN_MS, Math.max(0, deadline - Date.now())));
    }
    if (this.held.size > 0) {
      this.logger.error(
        { lost: this.held.size, company_ids: [...new Set([...this.held.values()].map((e) => e.company_id))] },
        'usage events could not be published before exit',
      );
    }
    // Rejects when Redis is unreachable; shutdown must still complete.
    await Promise.race([this.queue.close().catch(() => undefined), sleep(1000)]);
    // A QUIT that could not be sent (no offline queue) leaves ioredis reconnecting for ever, which keeps an
    // in-process app (a test) alive: end the client itself, whatever became of the close.
    const client = await Promise.race([
      this.queue.getBackend().client.catch(() => undefined),
      sleep(100).then(() => undefined),
    ]);
    client?.disconnect();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
