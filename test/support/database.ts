import { randomBytes } from 'crypto';
import { dropDatabase, runMigrations } from '../../apps/billing/src/database/migrate';

const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/tts';

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

/** A fresh database per test file, migrated with the real migrations; drop it in afterAll. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return { url: url.toString(), name, drop: () => dropDatabase(url.toString()) };
}
