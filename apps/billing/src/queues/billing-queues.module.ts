import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { QueueName } from '@tts/protocol';

const queues = BullModule.registerQueue({ name: QueueName.TtsUsage }, { name: QueueName.LowBalanceWebhooks });

/** The two queues billing reads, registered once (one connection each) for every feature and the dashboard. */
@Global()
@Module({ imports: [queues], exports: [queues] })
export class BillingQueuesModule {
  /**
   * A queue's connection errors (Redis down: they repeat while it reconnects) go to our JSON log at warn
   * level; without a listener BullMQ prints each one raw to stderr, outside the log. Attached as soon as
   * the queues exist: the first error comes while the app is still being built.
   */
  constructor(
    @InjectQueue(QueueName.TtsUsage) usage: Queue,
    @InjectQueue(QueueName.LowBalanceWebhooks) webhooks: Queue,
    logger: PinoLogger,
  ) {
    logger.setContext(BillingQueuesModule.name);
    for (const queue of [usage, webhooks]) {
      queue.on('error', (err: Error) => logger.warn({ queue: queue.name, err: err.message }, 'queue connection error'));
    }
  }
}
