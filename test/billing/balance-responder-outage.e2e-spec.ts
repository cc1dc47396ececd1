import { Logger } from '@nestjs/common';
import { ClientRedis } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { DataSource } from 'typeorm';
import { RedisConnections } from '@tts/config';
import { CREDITS_BALANCE_PATTERN, CreditsBalanceReply, RedisNamespace } from '@tts/protocol';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  TEST_REDIS_URL,
  TestBilling,
  deleteBalanceKeys,
  openDataSource,
  startBilling,
  uniquePrefix,
} from './support/billing-harness';
import { RedisProxy } from './support/redis-proxy';
import { pollUntil } from '../support/poll';
import { subscriberCount } from '../support/redis-keys';

/**
 * A gateway asks billing for a balance Redis has not cached. Billing started while Redis was unreachable
 * must still answer once Redis is back (Nest's server alone never subscribes after a failed first connect).
 */
describe('billing balance requests after a boot during a Redis outage', () => {
  const proxy = new RedisProxy();
  const prefix = uniquePrefix('responder');
  const namespace = new RedisNamespace(prefix);
  const company = `responder-${process.pid}`;
  let database: TestDatabase;
  let db: DataSource;
  let billing: TestBilling | undefined;
  let gateway: ClientRedis;

  beforeAll(async () => {
    Logger.overrideLogger(false); // Nest's own reconnect logs during the outage
    database = await createTestDatabase('responder');
    db = await openDataSource(database.url);
    await proxy.up(); // takes a port; Redis is unreachable there while billing starts
    await proxy.down();
    // The gateway side reaches Redis directly.
    gateway = new ClientRedis(
      new RedisConnections({ REDIS_URL: TEST_REDIS_URL, BULLMQ_PREFIX: prefix }, 'test').pubsub('billing'),
    );
  });

  afterAll(async () => {
    await billing?.close();
    await gateway?.close();
    await proxy.down();
    await db?.destroy();
    await database?.drop();
    await deleteBalanceKeys(prefix, company);
  });

  it('answers once Redis is back', async () => {
    billing = await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: prefix, REDIS_URL: proxy.url });
    await db.query(`INSERT INTO companies (company_id, balance_credits) VALUES ($1, 42.5)`, [company]);
    await proxy.up();
    const reply = await pollUntil(
      () =>
        firstValueFrom(
          gateway
            .send<CreditsBalanceReply>(namespace.channel(CREDITS_BALANCE_PATTERN), { company_id: company })
            .pipe(timeout(500)),
        ).catch(() => undefined),
      (r) => r !== undefined,
      10_000,
    );
    expect(reply).toEqual({ company_id: company, balance_credits: 42.5 });
    // One subscribed responder: a failed start leaves no second one behind.
    expect(await subscriberCount(namespace.channel(CREDITS_BALANCE_PATTERN))).toBe(1);
  });
});
