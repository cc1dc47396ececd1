import { HealthIndicatorService } from '@nestjs/terminus';
import { createServer } from 'net';
import { RedisConnections } from './redis-connections';
import { RedisHealthIndicator } from './redis-health';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A port nothing listens on: bound once by the OS, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe(RedisHealthIndicator.name, () => {
  const opened: RedisConnections[] = [];
  const indicatorFor = (url: string) => {
    const connections = new RedisConnections(
      { REDIS_URL: url, BULLMQ_PREFIX: `health-test-${process.pid}` },
      `health-test-${process.pid}`,
    );
    opened.push(connections);
    return new RedisHealthIndicator(new HealthIndicatorService(), connections);
  };
  afterAll(() => opened.forEach((c) => c.close()));

  it('is up when Redis answers: bare by default, with the round trip when latency is asked for', async () => {
    const indicator = indicatorFor(REDIS_URL);
    // Its connection opens with the indicator; a probe that early is down (no offline queue), as at boot.
    const deadline = Date.now() + 5000;
    while ((await indicator.check('redis')).redis.status !== 'up' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await indicator.check('redis')).toEqual({ redis: { status: 'up' } });
    expect(await indicator.check('redis', { latency: true })).toEqual({
      redis: { status: 'up', latency_ms: expect.any(Number) },
    });
  });

  it('is down with the reason, at once, while Redis is unreachable', async () => {
    const indicator = indicatorFor(`redis://127.0.0.1:${await closedPort()}`);
    // Long enough for a reachable Redis to be up (see above), so down here means unreachable.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    const result = await indicator.check('redis', { latency: true });
    expect(result).toEqual({ redis: { status: 'down', message: expect.any(String) } });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
