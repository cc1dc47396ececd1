import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { CREDITS_DEPLETED_PATTERN, CreditsDepletedEvent, RedisNamespace } from '@tts/protocol';
import { BalanceCacheRefresher } from '../../apps/billing/src/balance/balance-cache-refresher.service';
import { CreditLedger } from '../../apps/billing/src/ledger/credit-ledger.service';
import { UsagePricing } from '../../apps/billing/src/ledger/usage-pricing';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  TEST_REDIS_URL,
  TestBilling,
  deleteBalanceKeys,
  destroyQueue,
  enqueue,
  openDataSource,
  startBilling,
  uniquePrefix,
  usageEvent,
  usageQueue,
} from './support/billing-harness';
import { pollUntil } from '../support/poll';

/** What gateways read at connect must follow the ledger even when a write was lost or the database was recreated. */
describe('balance cache and depletion broadcast', () => {
  const company = (name: string) => `cache-${process.pid}-${name}`;
  const prefix = uniquePrefix('cache');
  const namespace = new RedisNamespace(prefix);
  const key = (name: string) => namespace.balanceKey(company(name));
  const versionKey = (name: string) => namespace.balanceVersionKey(company(name));
  const anHourAgo = () => Date.now() - 3_600_000;
  let database: TestDatabase;
  let db: DataSource;
  let redis: Redis;
  let subscriber: Redis;
  let queue: Queue;
  let billing: TestBilling;
  const announced: CreditsDepletedEvent[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('balance_cache');
    db = await openDataSource(database.url);
    redis = new Redis(TEST_REDIS_URL);
    subscriber = new Redis(TEST_REDIS_URL);
    await subscriber.subscribe(namespace.channel(CREDITS_DEPLETED_PATTERN));
    subscriber.on('message', (_channel, message) => {
      const { data } = JSON.parse(message);
      if (String(data.company_id).startsWith(company(''))) announced.push(data);
    });
    // A cache left by a previous database: versions far ahead of the fresh one's, written long ago.
    await db.query(`INSERT INTO companies (company_id, balance_credits) VALUES ($1, 5)`, [company('recreated')]);
    await redis.mset(key('recreated'), '50.000000000000000000', versionKey('recreated'), `999@${anHourAgo()}`);
    queue = usageQueue(prefix);
    billing = await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: prefix });
  });

  afterAll(async () => {
    await billing?.close();
    await destroyQueue(queue);
    subscriber.disconnect();
    redis.disconnect();
    await db?.destroy();
    await database?.drop();
    await deleteBalanceKeys(prefix, company(''));
  });

  it('corrects at boot a cached balance whose version is ahead of a recreated database', async () => {
    expect(await redis.get(key('recreated'))).toBe('5.000000000000000000');
  });

  it('refreshes the cache and re-announces depletion when a batch is redelivered after a crash before publishing', async () => {
    const id = company('crashed');
    await db.query(`INSERT INTO companies (company_id, balance_credits) VALUES ($1, 1)`, [id]);
    await redis.mset(key('crashed'), '1.000000000000000000', versionKey('crashed'), `0@${Date.now()}`);
    const event = usageEvent(id, { audio_bytes: 16000 * 2 * 90 }); // 90 s = 1.5 credits
    // The first delivery committed (as a billing process that died right after COMMIT would have)...
    await new CreditLedger(db, new UsagePricing(1)).applyUsage([event]);
    // ...and BullMQ delivers the job again: only duplicates, yet the gateways must learn the balance.
    await enqueue(queue, [event]);
    const cached = await pollUntil(
      () => redis.get(key('crashed')),
      (v) => v === '-0.500000000000000000',
      5_000,
    );
    expect(cached).toBe('-0.500000000000000000');
    await pollUntil(
      async () => announced.filter((a) => a.company_id === id).length,
      (n) => n > 0,
      5_000,
    );
    expect(announced.filter((a) => a.company_id === id)).toEqual([
      { company_id: id, balance_credits: -0.5, balance_version: '1' },
    ]);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM usage_ledger WHERE company_id = $1`, [id]);
    expect(n).toBe(1);
  });

  it('rewrites lost or stale cached balances on the periodic refresh', async () => {
    await db.query(
      `INSERT INTO companies (company_id, balance_credits, balance_version) VALUES ($1, 7, 3), ($2, 2, 1)`,
      [company('lost'), company('stale')],
    );
    await redis.del(key('lost'), versionKey('lost'));
    await redis.mset(key('stale'), '9.000000000000000000', versionKey('stale'), `8@${anHourAgo()}`);
    await billing.app.get(BalanceCacheRefresher).refresh();
    expect(await redis.get(key('lost'))).toBe('7.000000000000000000');
    expect(await redis.get(key('stale'))).toBe('2.000000000000000000');
  });
  // A refresh racing a live write is in balance-publisher.e2e-spec.ts (the write lands inside the read).
});
