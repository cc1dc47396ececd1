import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { QueueName } from '../../libs/protocol/src/queues';
import { DEFAULT_BULLMQ_PREFIX } from '../../libs/config/src/shared-env';

/** Every job state BullMQ keeps a job in; a leaked job may sit in any of them. */
const STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children'] as const;

export interface LeakedJob {
  id: string;
  company_id?: string;
}

/**
 * The usage queue as a test run found it: its job ids under `prefix` (the default `bull`, which a
 * developer's `npm start` and billing use). A test that publishes there bills real companies later.
 */
export class UsageQueueSnapshot {
  private constructor(
    private readonly prefix: string,
    private readonly ids: Set<string>,
  ) {}

  static async take(redisUrl: string, prefix = DEFAULT_BULLMQ_PREFIX): Promise<UsageQueueSnapshot> {
    const jobs = await withQueue(redisUrl, prefix, (queue) => queue.getJobs([...STATES]));
    return new UsageQueueSnapshot(prefix, new Set(jobs.map((job) => job.id!)));
  }

  /** Jobs in the queue now that were not there when the snapshot was taken. */
  async newJobs(redisUrl: string): Promise<LeakedJob[]> {
    const jobs = await withQueue(redisUrl, this.prefix, (queue) => queue.getJobs([...STATES]));
    return jobs
      .filter((job) => !this.ids.has(job.id!))
      .map((job) => ({ id: job.id!, company_id: (job.data as { company_id?: string } | undefined)?.company_id }));
  }

  toJSON(): { prefix: string; ids: string[] } {
    return { prefix: this.prefix, ids: [...this.ids] };
  }

  static fromJSON(json: { prefix: string; ids: string[] }): UsageQueueSnapshot {
    return new UsageQueueSnapshot(json.prefix, new Set(json.ids));
  }
}

/** True when Redis answers a PING within a second (BullMQ itself would wait for it forever). */
export async function redisAnswers(redisUrl: string): Promise<boolean> {
  const client = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 1000, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Reads the queue through BullMQ. A BullMQ Queue writes the queue's `meta` key when it starts: if the
 * queue did not exist before, that key is removed again, so looking leaves nothing behind.
 */
async function withQueue<T>(redisUrl: string, prefix: string, use: (queue: Queue) => Promise<T>): Promise<T> {
  const metaKey = `${prefix}:${QueueName.TtsUsage}:meta`;
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  const existed = (await client.exists(metaKey)) === 1;
  const queue = new Queue(QueueName.TtsUsage, {
    prefix,
    connection: { url: redisUrl, maxRetriesPerRequest: 1, connectTimeout: 2000 },
  });
  try {
    return await use(queue);
  } finally {
    await queue.close();
    if (!existed) await client.del(metaKey);
    client.disconnect();
  }
}
