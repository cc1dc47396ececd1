import { existsSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { leakedNamespaces } from './redis-namespace-leaks';
import { UsageQueueSnapshot } from './usage-queue-leaks';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * After every test file: the run must not have left jobs in the default `tts-usage` queue (every test
 * publishes under its own BULLMQ_PREFIX). A new job there for a company named with one of this run's
 * worker pids fails the run, naming the companies. So does a Redis namespace (key prefix) named with one
 * of those pids that still holds keys: every test deletes the namespaces it created.
 */
export default async function globalTeardown(): Promise<void> {
  const runDir = process.env.TTS_TEST_RUN_DIR!;
  try {
    const snapshotFile = join(runDir, 'usage-snapshot.json');
    if (!existsSync(snapshotFile)) return;
    const snapshot = UsageQueueSnapshot.fromJSON(JSON.parse(readFileSync(snapshotFile, 'utf8')));
    const pidsFile = join(runDir, 'pids');
    const pids = existsSync(pidsFile) ? readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean) : [];
    const ours = (company = '') => pids.some((pid) => new RegExp(`(^|-)${pid}(-|$)`).test(company));
    const leaked = (await snapshot.newJobs(REDIS_URL)).filter((job) => ours(job.company_id));
    if (leaked.length > 0) {
      const companies = [...new Set(leaked.map((job) => job.company_id))].join(', ');
      throw new Error(
        `tests left ${leaked.length} job(s) in the default tts-usage queue (companies: ${companies}); ` +
          'a test started a gateway without its own BULLMQ_PREFIX',
      );
    }
    const before = new Set(JSON.parse(readFileSync(join(runDir, 'namespaces.json'), 'utf8')) as string[]);
    const namespaces = await leakedNamespaces(REDIS_URL, pids, before);
    if (namespaces.length > 0) {
      throw new Error(`tests left Redis keys under ${namespaces.join(', ')}; delete each namespace in afterAll`);
    }
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}
