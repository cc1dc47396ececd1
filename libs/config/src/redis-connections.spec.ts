import { redisNamespace } from './redis-connections';

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
