/**
 * The key-leak check the whole run ends with (test/support/global-teardown.ts), on the real Redis: a
 * namespace named with one of the run's pids that still holds keys is reported; one that existed before
 * the run, or carries another pid, is not.
 */
import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import { TEST_REDIS_URL } from '../support/gateway';
import { leakedNamespaces, redisNamespaces } from '../support/redis-namespace-leaks';

const PID = String(process.pid);
const LEAKY = `test-hygiene-${PID}-${randomBytes(3).toString('hex')}`;
const OLDER = `test-hygiene-${PID}-older-${randomBytes(3).toString('hex')}`;
const OTHER_RUN = `test-hygiene-9${PID}-${randomBytes(3).toString('hex')}`;

describe('Redis namespace leak check', () => {
  const redis = new Redis(TEST_REDIS_URL);
  afterAll(async () => {
    await redis.del(`${LEAKY}:tts:balance:acme`, `${OLDER}:x`, `${OTHER_RUN}:x`);
    redis.disconnect();
  });

  it('reports a namespace of this run left holding keys, and stops once it is deleted', async () => {
    await redis.set(`${OLDER}:x`, '1');
    const before = await redisNamespaces(TEST_REDIS_URL);
    await redis.set(`${LEAKY}:tts:balance:acme`, '100');
    await redis.set(`${OTHER_RUN}:x`, '1');

    const leaked = await leakedNamespaces(TEST_REDIS_URL, [PID], before);
    expect(leaked).toContain(LEAKY);
    expect(leaked).not.toContain(OLDER);
    expect(leaked).not.toContain(OTHER_RUN);

    await redis.del(`${LEAKY}:tts:balance:acme`);
    expect(await leakedNamespaces(TEST_REDIS_URL, [PID], before)).not.toContain(LEAKY);
  });
});
