import { DataSource } from 'typeorm';
import { revertLastMigration, runMigrations } from '../../apps/billing/src/database/migrate';
import { BILLING_MIGRATIONS } from '../../apps/billing/src/database/data-source';
import { createTestDatabase, TestDatabase } from '../support/database';
import { openDataSource } from './support/billing-harness';

/** Every migration goes down and up again cleanly, and the constraints refuse what the code never writes. */
describe('billing migrations', () => {
  let database: TestDatabase;
  let db: DataSource | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('migrations');
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('reverts every migration, newest first, and applies them all again', async () => {
    const names = BILLING_MIGRATIONS.map((m) => new m().name!);
    const reverted: Array<string | undefined> = [];
    for (let i = 0; i < names.length; i++) reverted.push(await revertLastMigration(database.url));
    expect(reverted).toEqual([...names].reverse());
    expect(await revertLastMigration(database.url)).toBeUndefined();
    expect(await runMigrations(database.url)).toEqual(names);
  });

  it('refuses unknown encodings and containers, negative usage and zero top-ups', async () => {
    db = await openDataSource(database.url);
    await db.query(`INSERT INTO companies (company_id) VALUES ('m')`);
    const row = (overrides: Record<string, string>) => {
      const values: Record<string, string> = {
        encoding: `'linear16'`,
        container: `'wav'`,
        sample_rate: '16000',
        audio_bytes: '10',
        ...overrides,
      };
      return db!.query(
        `INSERT INTO usage_ledger (event_id, company_id, user_id, session_id, connection_id, gateway_id, model, encoding,
           sample_rate, container, audio_bytes, characters, seconds, credits, credits_per_minute, interval_start,
           interval_end, final)
         VALUES (gen_random_uuid()::text, 'm', 'u', 's', 'c', 'g', 'x', ${values.encoding}, ${values.sample_rate},
           ${values.container}, ${values.audio_bytes}, 0, 0, 0, 1, now(), now(), false)`,
      );
    };
    await expect(row({})).resolves.toBeDefined();
    await expect(row({ encoding: `'opus'` })).rejects.toThrow(/usage_ledger_encoding_check/);
    await expect(row({ container: `'ogg'` })).rejects.toThrow(/usage_ledger_container_check/);
    await expect(row({ sample_rate: '0' })).rejects.toThrow(/usage_ledger_sample_rate_check/);
    await expect(row({ audio_bytes: '-1' })).rejects.toThrow(/usage_ledger_amounts_check/);
    await expect(
      db.query(`INSERT INTO credit_top_ups (reference, company_id, amount) VALUES ('z', 'm', 0)`),
    ).rejects.toThrow(/credit_top_ups_amount_check/);
  });
});
