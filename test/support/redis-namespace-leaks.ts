import Redis from 'ioredis';

/** A key's namespace: what comes before its first `:` (a BULLMQ_PREFIX such as `test-gw-123-1`). */
const namespaceOf = (key: string): string => key.split(':', 1)[0];

/** Every namespace that has a key in Redis now. */
export async function redisNamespaces(redisUrl: string): Promise<Set<string>> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const found = new Set<string>();
  try {
    for await (const batch of client.scanStream({ count: 1000 })) {
      for (const key of batch as string[]) found.add(namespaceOf(key));
    }
  } finally {
    client.disconnect();
  }
  return found;
}

/**
 * Namespaces that still hold keys after a run, named with one of the run's worker pids (test prefixes
 * carry the pid: `ops-health-<pid>-...`), and absent when the run started. Another run's keys on a
 * shared Redis carry other pids or were already there; the default `bull` namespace is checked by jobs.
 */
export async function leakedNamespaces(redisUrl: string, pids: string[], before: Set<string>): Promise<string[]> {
  const ours = (namespace: string) => pids.some((pid) => new RegExp(`(^|-)${pid}(-|$)`).test(namespace));
  const now = await redisNamespaces(redisUrl);
  return [...now].filter((namespace) => !before.has(namespace) && ours(namespace)).sort();
}
