import { writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { UsageQueueSnapshot } from './usage-queue-leaks';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Before any test file: remembers which jobs the default usage queue already holds (see global-teardown). */
export default async function globalSetup(): Promise<void> {
  const snapshot = await UsageQueueSnapshot.take(REDIS_URL);
  const file = join(tmpdir(), `tts-test-usage-snapshot-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(snapshot));
  process.env.TTS_TEST_USAGE_SNAPSHOT = file;
}
