import { Logger } from '@nestjs/common';
import { ClientRedis, ServerRedis } from '@nestjs/microservices';
import { IncomingMessage } from 'http';
import { firstValueFrom } from 'rxjs';
import { RedisConnections } from '@tts/config';
import { CREDITS_DEPLETED_PATTERN, ErrorCode, RedisNamespace } from '@tts/protocol';
import { CreditsDepletedListener } from '../../apps/gateway/src/credits/credits-depleted.listener';
import { ActiveSessions } from '../../apps/gateway/src/session/active-sessions.service';
import { SessionInfo } from '../../apps/gateway/src/session/session-hooks';
import { TEST_REDIS_URL } from './support/billing-harness';
import { RedisProxy } from './support/redis-proxy';
import { pollUntil } from '../support/poll';
import { subscriberCount } from '../support/redis-keys';
import { testLogger } from '../support/logger';

describe('gateway depletion listener across a Redis outage', () => {
  const proxy = new RedisProxy();
  const company = `deplete-${process.pid}`;
  let listener: CreditsDepletedListener;
  let billing: ClientRedis;
  const ended: Array<{ connection: string; code: ErrorCode }> = [];

  const addSession = (sessions: ActiveSessions, connectionId: string, companyId: string) =>
    sessions.add(
      {
        connectionId,
        gatewayId: 'gw',
        query: { company_id: companyId, user_id: 'u', session_id: connectionId } as SessionInfo['query'],
        request: {} as IncomingMessage,
        openedAt: new Date(),
      },
      { terminate: (code) => void ended.push({ connection: connectionId, code }) },
    );

  const namespace = new RedisNamespace(`test-depletion-${process.pid}`);

  const pubsub = (redisUrl: string) =>
    new RedisConnections({ REDIS_URL: redisUrl, BULLMQ_PREFIX: namespace.prefix }, 'test').pubsub('depletion');

  beforeAll(async () => {
    Logger.overrideLogger(false); // ServerRedis's own reconnect logs during the outage
    await proxy.up();
    const sessions = new ActiveSessions();
    addSession(sessions, 'a1', company);
    addSession(sessions, 'a2', company);
    addSession(sessions, 'b1', `${company}-other`);
    // The gateway side reaches Redis through the proxy; billing reaches it directly.
    listener = new CreditsDepletedListener(() => new ServerRedis(pubsub(proxy.url)), sessions, namespace, testLogger());
    await listener.onApplicationBootstrap();
    billing = new ClientRedis(pubsub(TEST_REDIS_URL));
  });

  afterAll(async () => {
    await listener.onApplicationShutdown();
    await billing.close();
    await proxy.down();
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
