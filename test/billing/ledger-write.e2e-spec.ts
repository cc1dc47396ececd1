import { DataSource } from 'typeorm';
import { CreditLedger } from '../../apps/billing/src/ledger/credit-ledger.service';
import { UsagePricing } from '../../apps/billing/src/ledger/usage-pricing';
import { ApplyUsageUseCase } from '../../apps/billing/src/usage/apply-usage.use-case';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  TestBilling,
  balanceOf,
  deleteBalanceKeys,
  openDataSource,
  startBilling,
  uniquePrefix,
  usageEvent,
} from './support/billing-harness';

describe('the ledger write on real Postgres', () => {
  let database: TestDatabase;
  let db: DataSource;
  let billing: TestBilling | undefined;
  const co = (name: string) => `lw-${process.pid}-${name}`;

  beforeAll(async () => {
    database = await createTestDatabase('ledgerwrite');
    db = await openDataSource(database.url);
  });

  afterAll(async () => {
    await billing?.close();
    await db?.destroy();
    await database?.drop();
    if (billing) await deleteBalanceKeys(billing.prefix, co(''));
  });

  it('stores every field of an event in the column of the same name', async () => {
    // Each field a different value: a field written into another column shows here.
    const event = usageEvent(co('row'), {
      user_id: 'the-user',
      session_id: 'the-session',
      connection_id: 'the-connection',
      gateway_id: 'the-gateway',
      model: 'aura-2-zeus-en',
      encoding: 'mulaw',
      sample_rate: 8000,
      container: 'none',
      audio_bytes: 12000,
      characters: 77,
      interval_start: '2026-11-30T10:00:00.250Z',
      interval_end: '2026-11-30T10:00:05.500Z',
      final: true,
    });
    await new CreditLedger(db, new UsagePricing(2)).applyUsage([event]);
    const [row] = await db.query(
      `SELECT event_id, company_id, user_id, session_id, connection_id, gateway_id, model, encoding, sample_rate,
              container, audio_bytes::int, characters::int, seconds::text, credits::text, credits_per_minute::text,
              interval_start, interval_end, final, balance_version::int
         FROM usage_ledger`,
    );
    expect({
      ...row,
      interval_start: row.interval_start.toISOString(),
      interval_end: row.interval_end.toISOString(),
    }).toEqual({
      ...event,
      seconds: '1.500000000000000000', // 12,000 bytes of 8 kHz mu-law
      credits: '0.050000000000000000', // 1.5 s at 2 credits a minute
      credits_per_minute: '2.000000',
      balance_version: 1,
    });
  });

  it('retries a failing batch event by event, so one poisonous event does not hold back the others', async () => {
    billing = await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: uniquePrefix('ledgerwrite') });
    // A row the database refuses (as it would one it cannot store), whatever batch it arrives in.
    await db.query(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.user_id = 'poison' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_poison BEFORE INSERT ON usage_ledger FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    const sut = billing.app.get(ApplyUsageUseCase);
    const events = Array.from({ length: 10 }, (_, i) =>
      usageEvent(co('split'), { user_id: i === 3 ? 'poison' : 'fine', audio_bytes: 16000 * 2 * 60 }),
    );
    // Submitted together: they form one batch, which fails as a whole first.
    const outcomes = await Promise.allSettled(events.map((e) => sut.execute(e)));
    expect(outcomes.map((o) => o.status)).toEqual(events.map((_, i) => (i === 3 ? 'rejected' : 'fulfilled')));
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM usage_ledger WHERE company_id = $1`, [co('split')]);
    expect(n).toBe(9);
    expect(await balanceOf(db, co('split'))).toBe('-9.000000000000000000');
  });
});
