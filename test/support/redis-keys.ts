import Redis from 'ioredis';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every key matching `pattern` (a test's own prefix, e.g. `test-gw-123-1:*`). */
export async function deleteKeys(pattern: string): Promise<void> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  try {
    const keys: string[] = [];
    for await (const batch of client.scanStream({ match: pattern, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

/** Subscribers of a pub/sub channel (PUBSUB NUMSUB): how many processes listen on it. */
export async function subscriberCount(channel: string): Promise<number> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  try {
    const [, count] = (await client.pubsub('NUMSUB', channel)) as [string, number];
    return Number(count);
  } finally {
    client.disconnect();
  }
}
