import { Logger } from '@nestjs/common';
import { ClientRedis, ServerRedis } from '@nestjs/microservices';
import { IncomingMessage } from 'http';
import Redis from 'ioredis';
import { firstValueFrom } from 'rxjs';
import { RedisConnections } from '@tts/config';
import { CREDITS_DEPLETED_PATTERN, CreditsDepletedEvent, ErrorCode, RedisNamespace } from '@tts/protocol';
import { BalanceCache } from '../../apps/gateway/src/credits/balance-cache';
import { CreditsDepletedListener } from '../../apps/gateway/src/credits/credits-depleted.listener';
import { ActiveSessions } from '../../apps/gateway/src/session/active-sessions.service';
import { SessionInfo } from '../../apps/gateway/src/session/session-hooks';
import { TEST_REDIS_URL } from './support/billing-harness';
import { RedisProxy } from './support/redis-proxy';
import { pollUntil } from '../support/poll';
import { subscriberCount } from '../support/redis-keys';
import { testLogger } from '../support/logger';

const namespace = new RedisNamespace(`test-depletion-${process.pid}`);
const pubsub = (redisUrl: string) =>
  new RedisConnections({ REDIS_URL: redisUrl, BULLMQ_PREFIX: namespace.prefix }, 'test').pubsub('depletion');

/** A session as the gateway registers it; `onEnd` hears the code it is ended with. */
const registerSession = (
  sessions: ActiveSessions,
  connectionId: string,
  companyId: string,
  onEnd: (code: ErrorCode) => void,
) =>
  sessions.add(
    {
      connectionId,
      gatewayId: 'gw',
      query: { company_id: companyId, user_id: 'u', session_id: connectionId } as SessionInfo['query'],
      request: {} as IncomingMessage,
      openedAt: new Date(),
    },
    { terminate: (code) => void onEnd(code) },
  );

describe('gateway depletion listener across a Redis outage', () => {
  const proxy = new RedisProxy();
  const company = `deplete-${process.pid}`;
  let listener: CreditsDepletedListener;
  let billing: ClientRedis;
  let cacheRedis: Redis;
  const ended: Array<{ connection: string; code: ErrorCode }> = [];

  const addSession = (sessions: ActiveSessions, connectionId: string, companyId: string) =>
    registerSession(sessions, connectionId, companyId, (code) => ended.push({ connection: connectionId, code }));

  beforeAll(async () => {
    Logger.overrideLogger(false); // ServerRedis's own reconnect logs during the outage
    cacheRedis = new Redis(TEST_REDIS_URL);
    await proxy.up();
    const sessions = new ActiveSessions();
    addSession(sessions, 'a1', company);
    addSession(sessions, 'a2', company);
    addSession(sessions, 'b1', `${company}-other`);
    // The gateway side reaches Redis through the proxy; billing reaches it directly.
    listener = new CreditsDepletedListener(
      () => new ServerRedis(pubsub(proxy.url)),
      sessions,
      new BalanceCache(cacheRedis, namespace),
      namespace,
      testLogger(),
    );
    await listener.onApplicationBootstrap();
    billing = new ClientRedis(pubsub(TEST_REDIS_URL));
  });

  afterAll(async () => {
    await listener.onApplicationShutdown();
    await billing.close();
    await proxy.down();
    await cacheRedis.quit();
  });

  it('still ends the company sessions after its Redis connection dropped and came back', async () => {
    await proxy.down();
    await new Promise((r) => setTimeout(r, 300));
    await proxy.up();
    // Billing keeps announcing until the listener has resubscribed (it reconnects every second).
    await pollUntil(
      async () => {
        await firstValueFrom(
          billing.emit(namespace.channel(CREDITS_DEPLETED_PATTERN), { company_id: company, balance_credits: 0 }),
          {
            defaultValue: undefined,
          },
        );
        return ended.length;
      },
      (n) => n > 0,
      8000,
    );
    expect(ended.map((e) => e.connection).sort()).toEqual(['a1', 'a2']);
    expect(ended.every((e) => e.code === ErrorCode.InsufficientCredits)).toBe(true);
  });

  it('subscribes once Redis is back when the gateway started during the outage', async () => {
    const late = new RedisProxy();
    await late.up(); // takes a port, then Redis is unreachable there while the listener starts
    await late.down();
    const sessions = new ActiveSessions();
    addSession(sessions, 'c1', `${company}-late`);
    const booted = new CreditsDepletedListener(
      () => new ServerRedis(pubsub(late.url)),
      sessions,
      new BalanceCache(cacheRedis, namespace),
      namespace,
      testLogger(),
    );
    try {
      await booted.onApplicationBootstrap(); // resolves: a boot never waits for Redis
      await late.up();
      // Nest's server alone never subscribes after a failed first connect; this waits for the new one.
      await pollUntil(
        async () => {
          await firstValueFrom(
            billing.emit(namespace.channel(CREDITS_DEPLETED_PATTERN), {
              company_id: `${company}-late`,
              balance_credits: 0,
            }),
            { defaultValue: undefined },
          );
          return ended.filter((e) => e.connection === 'c1').length;
        },
        (n) => n > 0,
        8000,
      );
      expect(ended.find((e) => e.connection === 'c1')?.code).toBe(ErrorCode.InsufficientCredits);
      // One subscriber for the two listeners of this file, never a second one left by a failed start.
      expect(await subscriberCount(namespace.channel(CREDITS_DEPLETED_PATTERN))).toBe(2);
    } finally {
      await booted.onApplicationShutdown();
      await late.down();
    }
  });
});

describe('gateway depletion listener, a broadcast a top-up overtook', () => {
  const company = `overtaken-${process.pid}`;
  const ended: string[] = [];
  let redis: Redis;
  let sessions: ActiveSessions;
  let listener: CreditsDepletedListener;

  /** What billing's cache write leaves (balance, then `<version>@<ms>`), as its SET_BALANCES script writes it. */
  const cache = (balance: string, version: number) =>
    redis.mset(
      namespace.balanceKey(company),
      balance,
      namespace.balanceVersionKey(company),
      `${version}@${Date.now()}`,
    );
  const event = (balance_version?: string): CreditsDepletedEvent => ({
    company_id: company,
    balance_credits: 0,
    balance_version,
  });
  const freshSession = (id: string) => registerSession(sessions, id, company, () => ended.push(id));
  const listenerWith = (cacheClient: Redis) =>
    new CreditsDepletedListener(
      () => new ServerRedis(pubsub(TEST_REDIS_URL)),
      sessions,
      new BalanceCache(cacheClient, namespace),
      namespace,
      testLogger(),
    );

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    sessions = new ActiveSessions();
    listener = listenerWith(redis); // not started: its handler is called as the transport would
  });
  afterAll(async () => {
    await redis.del(namespace.balanceKey(company), namespace.balanceVersionKey(company));
    await redis.quit();
  });
  beforeEach(() => (ended.length = 0));

  it('keeps the sessions when the cache holds a later version with credits, ends them on the depleting version', async () => {
    freshSession('s1');
    await cache('25', 8); // version 7 depleted the company; version 8, a top-up, is already cached
    await listener.depleted(event('7'));
    expect(ended).toEqual([]);
    await cache('0', 9); // the top-up is spent in turn: version 9 depletes it again
    await listener.depleted(event('9'));
    expect(ended).toEqual(['s1']);
    sessions.remove('s1');
  });

  it('ends them when the later version has no credits, the event has no version, or the cache holds none', async () => {
    freshSession('s2');
    await cache('-0.5', 12); // a later change that still leaves nothing (a negative adjustment)
    await listener.depleted(event('11'));
    expect(ended).toEqual(['s2']);
    await cache('30', 13);
    await listener.depleted(event(undefined)); // billing that does not send versions: the broadcast stands
    await listener.depleted(event('not-a-number'));
    expect(ended).toEqual(['s2', 's2', 's2']);
    await redis.del(namespace.balanceVersionKey(company));
    await listener.depleted(event('12'));
    expect(ended).toHaveLength(4);
    sessions.remove('s2');
  });

  it('ends them when Redis does not answer the cache read', async () => {
    const dead = new RedisProxy();
    await dead.up();
    await dead.down(); // a port nothing listens on
    const unreachable = new Redis(dead.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    unreachable.on('error', () => undefined);
    freshSession('s3');
    await cache('30', 20);
    try {
      await listenerWith(unreachable).depleted(event('19'));
      expect(ended).toEqual(['s3']);
    } finally {
      unreachable.disconnect();
      sessions.remove('s3');
    }
  });
});
