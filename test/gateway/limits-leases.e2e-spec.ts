import { IncomingMessage } from 'http';
import Redis from 'ioredis';
import { RedisConnections } from '@tts/config';
import { ErrorCode, RedisNamespace, SessionError } from '@tts/protocol';
import { LimitsSettings } from '../../apps/gateway/src/limits/limits-settings';
import { SessionLeaseStore } from '../../apps/gateway/src/limits/session-lease.store';
import { SessionLimitAdmission } from '../../apps/gateway/src/limits/session-limit.admission';
import { ActiveSessions } from '../../apps/gateway/src/session/active-sessions.service';
import { freePort } from '../ops/app-process';
import { testLogger } from '../support/logger';

const COMPANY = `leases-${process.pid}-${Date.now()}`;
const NAMESPACE = new RedisNamespace(`test-leases-${process.pid}`);
const holder = (n: number, companyId = COMPANY) => ({ companyId, connectionId: `conn-${n}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(SessionLeaseStore.name, () => {
  let redis: Redis;
  let sut: SessionLeaseStore;

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    sut = new SessionLeaseStore(redis, 400, NAMESPACE);
  });
  afterEach(() => redis.del(sut.keyOf(COMPANY), sut.keyOf(`${COMPANY}-b`)));
  afterAll(() => redis.quit());

  it('grants exactly the limit when many connections race for it', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => sut.hold(holder(i), 5)));
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(await sut.count(COMPANY)).toBe(5);
    expect(await sut.hold(holder(0, `${COMPANY}-b`), 5)).toBe(true);
  });

  it('renews a held lease even at the limit, and frees a slot on release', async () => {
    expect(await sut.hold(holder(1), 2)).toBe(true);
    expect(await sut.hold(holder(2), 2)).toBe(true);
    expect(await sut.hold(holder(3), 2)).toBe(false);
    expect(await sut.renew([holder(1), holder(2)], 2)).toEqual([]);
    await sut.release(holder(1));
    expect(await sut.hold(holder(3), 2)).toBe(true);
  });

  it('lets leases that are not renewed lapse (a crashed pod), while renewed ones live on', async () => {
    expect(await sut.hold(holder(1), 2)).toBe(true);
    expect(await sut.hold(holder(2), 2)).toBe(true);
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      await sut.renew([holder(1)], 2);
    }
    expect(await sut.hold(holder(3), 2)).toBe(true);
    expect(await sut.hold(holder(4), 2)).toBe(false);
    expect(await redis.pttl(sut.keyOf(COMPANY))).toBeLessThanOrEqual(400);
  });

  it('reports a lapsed lease whose slot was taken as lost', async () => {
    expect(await sut.hold(holder(1), 1)).toBe(true);
    await sleep(450);
    expect(await sut.hold(holder(2), 1)).toBe(true);
    expect(await sut.renew([holder(1), holder(2)], 1)).toEqual([holder(1)]);
  });
});

describe(`${SessionLimitAdmission.name} with Redis down`, () => {
  it('fails closed at once: a retryable upstream_error refusal, not an unlimited session', async () => {
    const dead = new RedisConnections(
      { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, BULLMQ_PREFIX: 'x' },
      'test',
    );
    const deadRedis = dead.commands('leases');
    deadRedis.on('error', () => {});
    const sut = new SessionLimitAdmission(
      new SessionLeaseStore(deadRedis, 10_000, NAMESPACE),
      new LimitsSettings(5, 10_000, 3000),
      new ActiveSessions(),
      testLogger(),
    );
    const session = {
      connectionId: 'c1',
      gatewayId: 'test',
      query: { company_id: COMPANY, user_id: 'u', session_id: 's', language: 'es' },
      request: {} as IncomingMessage,
      openedAt: new Date(),
    };
    const started = Date.now();
    const refusal = await sut.admit(session).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(SessionError);
    expect(refusal).toMatchObject({
      code: ErrorCode.UpstreamError,
      message: 'session limits are temporarily unavailable; retry shortly',
    });
    expect(Date.now() - started).toBeLessThan(2500);
    deadRedis.disconnect();
  });
});
