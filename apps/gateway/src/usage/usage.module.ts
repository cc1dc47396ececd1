import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { UsageEnv } from '@tts/config';
import { QueueName } from '@tts/protocol';
import { SessionHooks } from '../session/session-hooks.service';
import { USAGE_FLUSH_INTERVAL, UsageMeter } from './usage-meter.service';
import { USAGE_QUEUE, UsagePublisher } from './usage-publisher.service';

/** Usage metering: every session's billable audio, published to billing through the tts-usage queue. */
@Module({})
export class UsageModule implements OnModuleInit {
  constructor(
    private readonly hooks: SessionHooks,
    private readonly meter: UsageMeter,
  ) {}

  static register(env: UsageEnv): DynamicModule {
    return {
      module: UsageModule,
      providers: [
        { provide: USAGE_FLUSH_INTERVAL, useValue: env.USAGE_FLUSH_INTERVAL_MS },
        {
          provide: USAGE_QUEUE,
          // No offline queue: while Redis is down a publish fails fast and the publisher holds and retries
          // (a boot without Redis simply waits for it); ioredis keeps reconnecting in the background.
          useFactory: () =>
            new Queue(QueueName.TtsUsage, {
              prefix: env.BULLMQ_PREFIX,
              connection: {
                url: env.REDIS_URL,
                enableOfflineQueue: false,
                maxRetriesPerRequest: 1,
                connectTimeout: 2000,
              },
            }),
        },
        UsagePublisher,
        UsageMeter,
      ],
      exports: [UsagePublisher],
    };
  }

  onModuleInit(): void {
    this.hooks.addObserver(this.meter);
  }
}
