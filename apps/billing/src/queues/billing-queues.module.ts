import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { QueueName } from '@tts/protocol';

const queues = BullModule.registerQueue({ name: QueueName.TtsUsage }, { name: QueueName.LowBalanceWebhooks });

/** The two queues billing reads, registered once (one connection each) for every feature and the dashboard. */
@Global()
@Module({ imports: [queues], exports: [queues] })
export class BillingQueuesModule {}
