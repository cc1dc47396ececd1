import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { RedisNamespace } from '@tts/protocol';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  adminCall,
  TEST_REDIS_URL,
  TestBilling,
  balanceOf,
  deleteBalanceKeys,
  openDataSource,
  startBilling,
  uniquePrefix,
} from './support/billing-harness';
import { RedisProxy } from './support/redis-proxy';
import { isDefined, pollUntil } from '../support/poll';
import { startWebhookReceiver } from './support/webhook-receiver';

const SECRET = 'test-webhook-signing-secret';
/** Generous for an answer due within 2 s; the outage lasts until the answer came (or this ran out). */
const ANSWER_WAIT_MS = 10_000;
/**
 * Redis is back: the outbox sweep (every 2 s) queues the alert. The balance cache is rewritten by the
 * periodic refresh (30 s), which test/billing/balance-cache.e2e-spec.ts covers: not waited for here.
 */
const CATCH_UP_MS = 20_000;

/**
 * A top-up is committed in Postgres before billing tells Redis (balance cache, low-balance alert queue).
 * With Redis refusing connections or hung, the admin still gets the answer for the committed money, and
 * the alert goes out once Redis is back.
 */
describe('top-ups during a Redis outage', () => {
  const proxy = new RedisProxy();
  const prefix = uniquePrefix('topup-outage');
  const namespace = new RedisNamespace(prefix);
  const company = (name: string) => `topup-outage-${process.pid}-${name}`;
  let database: TestDatabase;
  let db: DataSource;
  let billing: TestBilling;
  let redis: Redis;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  const call = (method: string, path: string, body?: unknown) => adminCall(billing, method, path, body);
  const topUp = (name: string, amount: number, reference: string) =>
    call('POST', `/v1/companies/${company(name)}/credits`, { amount, reference: `${company(name)}-${reference}` });
  /** The answer to a request sent during the outage, waited for while the outage goes on. */
  const answeredDuringOutage = <T>(request: Promise<T>) => {
    let answer: T | undefined;
    void request.then((a) => (answer = a));
    return pollUntil(() => answer, isDefined, ANSWER_WAIT_MS, 'the answer while Redis is out');
  };
  const cached = (name: string) => () => redis.get(namespace.balanceKey(company(name)));
  /** A company with 10 credits, cached, and a low-balance alert at 5 credits posted to /<name>. */
  const armed = async (name: string) => {
    await call('PUT', `/v1/companies/${company(name)}`, {});
    await call('PUT', `/v1/companies/${company(name)}/low-balance-alert`, {
      threshold_credits: 5,
      webhook_url: receiver.url(`/${name}`),
    });
    // Redis answering: the answer follows the cache write, so a gateway connecting now sees the credits.
    expect((await topUp(name, 10, 'fund')).status).toBe(201);
    expect(await cached(name)()).toBe('10.000000000000000000');
  };

  beforeAll(async () => {
    Logger.overrideLogger(false); // Nest's own reconnect logs during the outage
    database = await createTestDatabase('topup_outage');
    db = await openDataSource(database.url);
    redis = new Redis(TEST_REDIS_URL); // the gateways' view, never cut
    receiver = await startWebhookReceiver();
    await proxy.up();
    billing = await startBilling({
      DATABASE_URL: database.url,
      BULLMQ_PREFIX: prefix,
      REDIS_URL: proxy.url,
      WEBHOOK_SIGNING_SECRET: SECRET,
    });
  });

  afterAll(async () => {
    await proxy.up();
    proxy.resume();
    await billing?.close();
    await proxy.down();
    await receiver?.close();
    redis?.disconnect();
    await deleteBalanceKeys(prefix, company(''));
    await db?.destroy();
    await database?.drop();
  });

  it.each<[string, 'refused' | 'hung', () => Promise<void> | void, () => Promise<void> | void]>([
    ['refuses connections', 'refused', () => proxy.down(), () => proxy.up()],
    ['hangs', 'hung', () => proxy.stall(), () => proxy.resume()],
  ])(
    'answers a top-up that fires a low-balance alert while Redis %s, then sends the alert',
    async (_how, name, cut, restore) => {
      await armed(name);
      await cut();
      const answer = await answeredDuringOutage(topUp(name, -7, 'debit'));
      expect(answer).toMatchObject({ status: 201, body: { balance_credits: 3, top_up: { applied: true } } });
      expect(await balanceOf(db, company(name))).toBe('3.000000000000000000');

      await restore();
      const hooks = await pollUntil(
        () => receiver.on(`/${name}`),
        (r) => r.length > 0,
        CATCH_UP_MS,
        'the alert',
      );
      expect(hooks.map((h) => h.body.balance_credits)).toEqual([3]);
    },
    120_000,
  );
});
