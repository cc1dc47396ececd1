import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BillingEnv, ConfigError, loadConfig } from '@tts/config';
import { billingDataSourceOptions } from './data-source';

/** A client on the server's `postgres` database, and the database name `url` points to. */
async function serverClient(url: string): Promise<{ client: Client; name: string }> {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  return { client, name };
}

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const { client, name } = await serverClient(url);
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (e) {
    // Two processes creating it at once: the loser sees duplicate_database, which is fine.
    if ((e as { code?: string }).code !== '42P04') throw e;
  } finally {
    await client.end();
  }
}

/** Drops the database named in `url`, ending its open connections (tests and benches). */
export async function dropDatabase(url: string): Promise<void> {
  const { client, name } = await serverClient(url);
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Runs the pending migrations; returns their names. */
export async function runMigrations(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const dataSource = new DataSource(billingDataSourceOptions(url));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** Undoes the last applied migration (its `down`); returns its name, or undefined when none was applied. */
export async function revertLastMigration(url: string): Promise<string | undefined> {
  const dataSource = new DataSource(billingDataSourceOptions(url));
  await dataSource.initialize();
  try {
    const [last]: Array<{ name: string }> = await dataSource.query(
      `SELECT name FROM typeorm_migrations ORDER BY id DESC LIMIT 1`,
    );
    if (last) await dataSource.undoLastMigration({ transaction: 'each' });
    return last?.name;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  let url: string;
  try {
    url = loadConfig(BillingEnv).DATABASE_URL; // a malformed URL is named, never printed
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : String(e));
    process.exit(1);
  }
  const revert = process.argv.includes('--revert');
  (revert ? revertLastMigration(url).then((name) => (name ? [name] : [])) : runMigrations(url)).then(
    (names) => {
      const msg = revert ? 'migration reverted' : 'migrations applied';
      process.stdout.write(JSON.stringify({ msg, migrations: names }) + '\n');
    },
    (e: Error) => {
      console.error(JSON.stringify({ msg: 'migration failed', error: e.message }));
      process.exit(1);
    },
  );
}
