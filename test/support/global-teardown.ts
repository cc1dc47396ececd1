import { readFileSync, rmSync } from 'fs';
import { UsageQueueSnapshot } from './usage-queue-leaks';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * After every test file: the run must not have left jobs in the default `tts-usage` queue (every test
 * publishes under its own BULLMQ_PREFIX). Fails the run, naming the jobs, when one did.
 */
export default async function globalTeardown(): Promise<void> {
  const file = process.env.TTS_TEST_USAGE_SNAPSHOT!;
  const snapshot = UsageQueueSnapshot.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
  rmSync(file, { force: true });
  const leaked = await snapshot.newJobs(REDIS_URL);
  if (leaked.length > 0) {
    const companies = [...new Set(leaked.map((job) => job.company_id))].join(', ');
    throw new Error(
      `tests left ${leaked.length} job(s) in the default tts-usage queue (companies: ${companies}); ` +
        'a test started a gateway without its own BULLMQ_PREFIX',
    );
  }
}
