import { Logger } from '@nestjs/common';
import { TestGateway, fundCompany, useRelayStack } from '../support/gateway';
import { openSession, sessionOutcome } from '../support/session-outcome';
import { RedisProxy } from '../billing/support/redis-proxy';
import { pollUntil } from '../support/poll';

const PREFIX = `credits-admission-${process.pid}-${Date.now()}`;

/**
 * 4402 insufficient_credits (which clients never retry) means "no credits": a known balance <= 0 or a
 * company billing does not know. Credits that merely cannot be checked get a retryable 1011 upstream_error.
 */
describe('credits admission', () => {
  const proxy = new RedisProxy();
  let gateway: TestGateway;

  // Hooks run in the order declared: the proxy is up before the stack boots and until it has closed.
  beforeAll(async () => {
    Logger.overrideLogger(false);
    await proxy.up();
  });
  afterAll(() => proxy.up());
  // Every Redis connection of this gateway (balance cache, billing request-reply, leases, usage) can be cut.
  useRelayStack((stack) => ({ gateway } = stack), {
    gateway: () => ({ REDIS_URL: proxy.url, DRAIN_TIMEOUT_MS: '1000' }),
  });
  afterAll(() => proxy.down());

  it('refuses a company whose cached balance is 0 with insufficient_credits 4402', async () => {
    const id = `${PREFIX}-empty`;
    await fundCompany(id, 0);
    expect(await sessionOutcome(await openSession(gateway, id))).toBe(
      'insufficient_credits 4402 the company has no credits left',
    );
  });

  it('refuses with a retryable upstream_error 1011 while neither the cache nor billing answers', async () => {
    const id = `${PREFIX}-outage`;
    await fundCompany(id, 10);
    expect(await sessionOutcome(await openSession(gateway, id))).toBe('admitted');

    await proxy.down();
    const started = Date.now();
    expect(await sessionOutcome(await openSession(gateway, id))).toBe(
      'upstream_error 1011 credit check temporarily unavailable, retry shortly',
    );
    expect(Date.now() - started).toBeLessThan(4000);

    // And retrying shortly works once Redis is back.
    await proxy.up();
    expect(
      await pollUntil(
        async () => sessionOutcome(await openSession(gateway, id)),
        (outcome) => outcome === 'admitted',
        8000,
      ),
    ).toBe('admitted');
  });
});
