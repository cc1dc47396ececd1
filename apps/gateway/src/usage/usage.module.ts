import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RedisConnections, UsageEnv } from '@tts/config';
import { QueueName } from '@tts/protocol';
import { SessionHooks } from '../session/session-hooks.service';
import { UsageAdmission } from './usage.admission';
import { USAGE_REPORT_INTERVAL, UsageMeter } from './usage-meter.service';
import { USAGE_PUBLISH_LIMITS, USAGE_QUEUE, UsagePublisher, usagePublishLimits } from './usage-publisher.service';
import { PUBLISH_COMMAND_TIMEOUT_MS, QUEUE_RECONNECT_MAX_MS, QUEUE_RECONNECT_STEP_MS } from './usage.constants';

/**
 * The tts-usage queue as the gateway publishes to it. No offline queue: while Redis is down a publish
 * fails fast and the publisher holds and retries (a boot without Redis simply waits for it); ioredis
 * keeps reconnecting in the background, every few seconds at most. A Redis that accepts the connection
 * but never answers fails the publish after PUBLISH_COMMAND_TIMEOUT_MS, the same way.
 * Raw bullmq rather than @nestjs/bullmq (billing's side): UsagePublisher closes the queue at shutdown
 * with a bound, after its last publish, while @nestjs/bullmq's own shutdown hook awaits close() without
 * one, which would hold a pod's exit for as long as Redis is unreachable.
 */
export function createUsageQueue(redis: RedisConnections): Queue {
  return new Queue(
    QueueName.TtsUsage,
    redis.bullmq('usage-producer', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: PUBLISH_COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt: number) => Math.min(attempt * QUEUE_RECONNECT_STEP_MS, QUEUE_RECONNECT_MAX_MS),
    }),
  );
}

/** Usage metering: every session's billable audio, published to billing through the tts-usage queue. */
@Module({})
export class UsageModule implements OnModuleInit {
  constructor(
    private readonly hooks: SessionHooks,
    private readonly meter: UsageMeter,
    private readonly admission: UsageAdmission,
  ) {}

  static register(env: UsageEnv): DynamicModule {
    return {
      module: UsageModule,
      providers: [
        { provide: USAGE_REPORT_INTERVAL, useValue: env.USAGE_FLUSH_INTERVAL_MS },
        { provide: USAGE_PUBLISH_LIMITS, useValue: usagePublishLimits(env.USAGE_FLUSH_INTERVAL_MS) },
        { provide: USAGE_QUEUE, inject: [RedisConnections], useFactory: createUsageQueue },
        UsagePublisher,
        UsageMeter,
        UsageAdmission,
      ],
      exports: [UsagePublisher],
    };
  }

  onModuleInit(): void {
    this.hooks.addAdmission(this.admission);
    this.hooks.addObserver(this.meter);
  }
}
