import { ClientRedis } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { RedisConnections, redisNamespace, whenReady } from './redis-connections';

describe('redisNamespace', () => {
  const ns = redisNamespace({ REDIS_URL: 'redis://127.0.0.1:6379/3', BULLMQ_PREFIX: 'prod' });

  it('gives every kind of key its own segment, so no allowed company id turns one kind into another', () => {
    const ids = [
      'sp-acme',
      'sp-acme:v',
      'v',
      'balance',
      'balance:x',
      'leases:sp-acme',
      'a.b:c-d_e',
      ':',
      'x'.repeat(128),
    ];
    const keys = ids.flatMap((id) => [ns.balanceKey(id), ns.balanceVersionKey(id), ns.leaseKey(id)]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((k) => k.startsWith('prod:tts:'))).toBe(true);
  });

  it('puts the Redis db into channel names, because pub/sub ignores db numbers', () => {
    const otherDb = redisNamespace({ REDIS_URL: 'redis://127.0.0.1:6379/4', BULLMQ_PREFIX: 'prod' });
    const otherPrefix = redisNamespace({ REDIS_URL: 'redis://127.0.0.1:6379/3', BULLMQ_PREFIX: 'staging' });
    expect(ns.channel('credits.depleted')).toBe('prod:db3:credits.depleted');
    expect(otherDb.channel('credits.depleted')).not.toBe(ns.channel('credits.depleted'));
    expect(otherPrefix.channel('credits.depleted')).not.toBe(ns.channel('credits.depleted'));
  });
});

describe(RedisConnections.name, () => {
  /** This process's own connection names: parallel tests' connections are on other dbs. */
  const app = `conn-test-${process.pid}`;
  const base = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const withDb = (form: 'path' | 'query', db: number, host = base.host) =>
    form === 'path' ? `redis://${host}/${db}` : `redis://${host}?db=${db}`;

  it.each([
    ['a /N path', withDb('path', 5)],
    ['a ?db=N query', withDb('query', 6)],
    ['an IPv6 host', withDb('path', 7, `[::1]:${base.port || 6379}`)],
  ])('with %s, names channels by the db every connection (pub/sub included) really uses', async (_, url) => {
    const connections = new RedisConnections({ REDIS_URL: url, BULLMQ_PREFIX: `test-conn-${process.pid}` }, app);
    const commands = connections.commands('probe');
    const pubsub = new ClientRedis(connections.pubsub('probe'));
    try {
      await whenReady(commands, 5000);
      await pubsub.connect();
      await firstValueFrom(pubsub.emit('test-conn-probe', {}), { defaultValue: undefined });
      // CLIENT LIST: every connection of this app, by name, with the db it really selected.
      const mine = String(await commands.client('LIST'))
        .split('\n')
        .filter((line) => line.includes(` name=${app}:`));
      const dbs = new Set(mine.map((line) => Number(/ db=(\d+)/.exec(line)?.[1])));
      expect(mine.some((line) => line.includes(`name=${app}:pubsub:probe`))).toBe(true);
      expect(mine.some((line) => line.includes(`name=${app}:commands:probe`))).toBe(true);
      expect([...dbs]).toEqual([connections.namespace.db]);
      expect(connections.namespace.channel('x')).toBe(`test-conn-${process.pid}:db${connections.namespace.db}:x`);
    } finally {
      await pubsub.close();
      connections.close();
    }
  });
});
