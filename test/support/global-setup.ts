import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { redisNamespaces } from './redis-namespace-leaks';
import { UsageQueueSnapshot, redisAnswers } from './usage-queue-leaks';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Before any test file: remembers which jobs the default usage queue already holds and which Redis
 * namespaces exist, in a folder of this
 * run's own where every test worker also writes its pid (register-worker.ts; see global-teardown).
 */
export default async function globalSetup(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'tts-test-run-'));
  process.env.TTS_TEST_RUN_DIR = runDir;
  // Without Redis (unit specs only) no test can leave a job anywhere: there is nothing to check.
  if (!(await redisAnswers(REDIS_URL))) return;
  writeFileSync(join(runDir, 'usage-snapshot.json'), JSON.stringify(await UsageQueueSnapshot.take(REDIS_URL)));
  writeFileSync(join(runDir, 'namespaces.json'), JSON.stringify([...(await redisNamespaces(REDIS_URL))]));
}
