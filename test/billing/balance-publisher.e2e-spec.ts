import { Logger } from '@nestjs/common';
import { ClientProxy, ClientRedis } from '@nestjs/microservices';
import Redis from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { RedisConnections } from '@tts/config';
import { CREDITS_DEPLETED_PATTERN } from '@tts/protocol';
import { BalancePublisher } from '../../apps/billing/src/balance/balance-publisher.service';
import { TEST_REDIS_URL, deleteBalanceKeys } from './support/billing-harness';
import { RedisProxy } from './support/redis-proxy';
import { pollUntil } from '../support/poll';

describe(BalancePublisher.name, () => {
  const company = `bp-${process.pid}`;
  const prefix = `test-bp-${process.pid}`;
  const connections: RedisConnections[] = [];
  const namespace = new RedisConnections({ REDIS_URL: TEST_REDIS_URL, BULLMQ_PREFIX: prefix }, 'test').namespace;
  const key = namespace.balanceKey(company);
  let sut: BalancePublisher;
  let redis: Redis;
  let subscriber: Redis;
  const announced: unknown[] = [];

  const publisher = async (redisUrl: string) => {
    const redis = new RedisConnections({ REDIS_URL: redisUrl, BULLMQ_PREFIX: prefix }, 'test');
    connections.push(redis);
    const created = new BalancePublisher(
      redis,
      new ClientRedis(redis.pubsub('publisher')) as unknown as ClientProxy,
      new PinoLogger({ pinoHttp: { level: 'silent' } }),
    );
    await created.onModuleInit();
    return created;
  };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    sut = await publisher(TEST_REDIS_URL);
    redis = new Redis(TEST_REDIS_URL);
    subscriber = new Redis(TEST_REDIS_URL);
    await subscriber.subscribe(namespace.channel(CREDITS_DEPLETED_PATTERN));
    subscriber.on('message', (_channel, message) => {
      const { data } = JSON.parse(message);
      if (data.company_id === company) announced.push(data);
    });
  });

  afterAll(async () => {
    await sut.onApplicationShutdown();
    connections.forEach((c) => c.close());
    subscriber.disconnect();
    redis.disconnect();
    await deleteBalanceKeys(prefix, company);
  });

  it('never lets an older balance overwrite a newer one in the gateways cache', async () => {
    await sut.publish([{ companyId: company, balance: '7.500000000000000000', version: '5', decreased: false }]);
    await sut.publish([{ companyId: company, balance: '9.000000000000000000', version: '4', decreased: false }]);
    expect(await redis.get(key)).toBe('7.500000000000000000');
    await sut.publish([{ companyId: company, balance: '6.000000000000000000', version: '6', decreased: false }]);
    expect(await redis.get(key)).toBe('6.000000000000000000');
  });

  it('announces a depletion when a decrease leaves the balance at or below zero, and only then', async () => {
    await sut.publish([{ companyId: company, balance: '0.000000000000000001', version: '7', decreased: true }]);
    await sut.publish([{ companyId: company, balance: '-0.250000000000000000', version: '8', decreased: true }]);
    await sut.publish([{ companyId: company, balance: '-0.250000000000000000', version: '9', decreased: false }]);
    await pollUntil(
      async () => announced.length,
      (n) => n >= 1,
      2000,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(announced).toEqual([{ company_id: company, balance_credits: -0.25, balance_version: '8' }]);
  });

  it('lets a snapshot overwrite a newer version written before its read, never one written after it began', async () => {
    const row = (balance: string, version: string) => [{ companyId: company, balance, version, decreased: false }];
    // Left by a previous database (plain version, as older billing wrote it): the snapshot corrects it.
    await redis.mset(key, '70.000000000000000000', namespace.balanceVersionKey(company), '900');
    expect((await sut.publishSnapshot(async () => row('1.000000000000000000', '2'))).written).toBe(1);
    expect(await redis.get(key)).toBe('1.000000000000000000');
    // A live write of version 3 lands while the snapshot reads version 2: the snapshot, however late, loses.
    const racing = await sut.publishSnapshot(async () => {
      await sut.publish(row('0.500000000000000000', '3'));
      await new Promise((r) => setTimeout(r, 50));
      return row('1.000000000000000000', '2');
    });
    expect(racing).toEqual({ rows: row('1.000000000000000000', '2'), written: 0 });
    expect(await redis.get(key)).toBe('0.500000000000000000');
    // That version 3, written before the next snapshot's read and still ahead of it: the database is behind.
    expect((await sut.publishSnapshot(async () => row('1.000000000000000000', '2'))).written).toBe(1);
    expect(await redis.get(key)).toBe('1.000000000000000000');
  });

  it('with a ?db=N URL, writes the balance into db N and announces on the channel named dbN', async () => {
    const db = 9;
    const url = new URL(TEST_REDIS_URL);
    url.pathname = '';
    url.searchParams.set('db', String(db));
    const inDb = new Redis(url.toString());
    const channel = `${prefix}:db${db}:${CREDITS_DEPLETED_PATTERN}`;
    const heard = new Redis(TEST_REDIS_URL);
    const messages: string[] = [];
    await heard.subscribe(channel);
    heard.on('message', (_channel, message) => messages.push(message));
    const onDb = await publisher(url.toString());
    try {
      await onDb.publish([{ companyId: company, balance: '-1.000000000000000000', version: '1', decreased: true }]);
      expect(await inDb.get(key)).toBe('-1.000000000000000000');
      await pollUntil(
        async () => messages.length,
        (n) => n >= 1,
        2000,
      );
      expect(JSON.parse(messages[0]).data).toEqual({ company_id: company, balance_credits: -1, balance_version: '1' });
    } finally {
      await onDb.onApplicationShutdown();
      await inDb.del(key, namespace.balanceVersionKey(company));
      inDb.disconnect();
      heard.disconnect();
    }
  });

  it('retries a cache write while Redis is unreachable instead of dropping it', async () => {
    const proxy = new RedisProxy();
    await proxy.up();
    const flaky = await publisher(proxy.url);
    try {
      await proxy.down();
      const publishing = flaky.publish([
        { companyId: company, balance: '42.000000000000000000', version: '100', decreased: false },
      ]);
      await new Promise((r) => setTimeout(r, 400));
      expect(await redis.get(key)).not.toBe('42.000000000000000000');
      await proxy.up();
      await publishing;
      expect(await redis.get(key)).toBe('42.000000000000000000');
    } finally {
      await flaky.onApplicationShutdown();
      await proxy.down();
    }
  });
});
