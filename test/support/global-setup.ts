import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chooseBrowser } from '../browser/support/browser-choice';
import { bundledChromium } from '../browser/support/bundled-chromium';
import { redisNamespaces } from './redis-namespace-leaks';
import { UsageQueueSnapshot, redisAnswers } from './usage-queue-leaks';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Before any test file: remembers which jobs the default usage queue already holds and which Redis
 * namespaces exist, in a folder of this run's own where every test worker also writes its pid
 * (register-worker.ts; see global-teardown), and makes sure the browser the browser tests run is ready.
 */
export default async function globalSetup(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'tts-test-run-'));
  process.env.TTS_TEST_RUN_DIR = runDir;
  // Without Redis (unit specs only) no test can leave a job anywhere: there is nothing to check.
  if (!(await redisAnswers(REDIS_URL))) return;
  writeFileSync(join(runDir, 'usage-snapshot.json'), JSON.stringify(await UsageQueueSnapshot.take(REDIS_URL)));
  writeFileSync(join(runDir, 'namespaces.json'), JSON.stringify([...(await redisNamespaces(REDIS_URL))]));
  // A fresh clone unpacks the npm-shipped Chromium once here, before the workers start, rather than inside
  // the first browser test's time (twice over, when both workers reach one together).
  if (chooseBrowser(process.env, existsSync).kind === 'bundled') await bundledChromium();
}
