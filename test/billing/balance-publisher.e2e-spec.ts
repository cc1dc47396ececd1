import { Logger } from '@nestjs/common';
import { ClientProxy, ClientRedis } from '@nestjs/microservices';
import Redis from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { BillingEnv, loadConfig, microserviceRedisOptions } from '@tts/config';
import { CREDIT_BALANCE_KEY_PREFIX, CREDITS_DEPLETED_PATTERN } from '@tts/protocol';
import { BalancePublisher } from '../../apps/billing/src/balance/balance-publisher.service';
import { TEST_REDIS_URL, deleteBalanceKeys, waitFor } from './support/billing-harness';

describe(BalancePublisher.name, () => {
  const company = `bp-${process.pid}`;
  const key = CREDIT_BALANCE_KEY_PREFIX + company;
  let sut: BalancePublisher;
  let redis: Redis;
  let subscriber: Redis;
  const announced: unknown[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    const env = loadConfig(BillingEnv, { REDIS_URL: TEST_REDIS_URL });
    sut = new BalancePublisher(
      env,
      new ClientRedis(microserviceRedisOptions(TEST_REDIS_URL)) as unknown as ClientProxy,
      new PinoLogger({ pinoHttp: { level: 'silent' } }),
    );
    await sut.onModuleInit();
    redis = new Redis(TEST_REDIS_URL);
    subscriber = new Redis(TEST_REDIS_URL);
    await subscriber.subscribe(CREDITS_DEPLETED_PATTERN);
    // The channel is shared by every billing process: keep only this file's company.
    subscriber.on('message', (_channel, message) => {
      const { data } = JSON.parse(message);
      if (data.company_id === company) announced.push(data);
    });
  });

  afterAll(async () => {
    await sut.onApplicationShutdown();
    subscriber.disconnect();
    redis.disconnect();
    await deleteBalanceKeys(company);
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
    await waitFor(
      async () => announced.length,
      (n) => n >= 1,
      2000,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(announced).toEqual([{ company_id: company, balance_credits: -0.25 }]);
  });
});
