import { Queue } from 'bullmq';
import { QueueName, UsageEvent } from '@tts/protocol';
import { TEST_REDIS_URL } from '../support/gateway';

/** Reads the real tts-usage queue under a test's own BULLMQ_PREFIX, and removes it afterwards. */
export class UsageQueueReader {
  private readonly queue: Queue;

  constructor(readonly prefix: string) {
    this.queue = new Queue(QueueName.TtsUsage, { prefix, connection: { url: TEST_REDIS_URL } });
  }

  /** Every usage event in the queue (whatever the job state), optionally of one session. */
  async events(sessionId?: string): Promise<UsageEvent[]> {
    const jobs = await this.queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized']);
    const events = jobs.map((job) => job.data as UsageEvent);
    return events.filter((e) => sessionId === undefined || e.session_id === sessionId);
  }

  async close(): Promise<void> {
    await this.queue.obliterate({ force: true });
    await this.queue.close();
    // Billing registers its webhook queue under the same prefix: remove that too.
    const webhooks = new Queue(QueueName.LowBalanceWebhooks, {
      prefix: this.prefix,
      connection: { url: TEST_REDIS_URL },
    });
    await webhooks.obliterate({ force: true });
    await webhooks.close();
  }
}
