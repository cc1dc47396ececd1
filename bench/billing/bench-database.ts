import { randomBytes } from 'node:crypto';
import { DEFAULT_DATABASE_URL } from '@tts/config';
import { dropDatabase, runMigrations } from '../../apps/billing/src/database/migrate';

/** Runs `run` on a fresh, migrated database of its own, dropped afterwards. */
export async function withDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const url = new URL(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  url.pathname = `/bench_billing_${randomBytes(4).toString('hex')}`;
  await runMigrations(url.toString());
  try {
    return await run(url.toString());
  } finally {
    await dropDatabase(url.toString());
  }
}
