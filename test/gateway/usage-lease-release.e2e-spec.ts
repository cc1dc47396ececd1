import Redis from 'ioredis';
import { redisNamespace } from '@tts/config';
import { SessionHooks } from '../../apps/gateway/src/session/session-hooks.service';
import { TEST_REDIS_URL, TestGateway, fundCompany, useRelayStack } from '../support/gateway';
import { openSession, sessionOutcome } from '../support/session-outcome';

const PREFIX = `usage-lease-${process.pid}-${Date.now()}`;
/** As slow as the usage meter's final hand-off may be (END_HANDOFF_TIMEOUT_MS) while Redis struggles. */
const SLOW_HANDOFF_MS = 1500;

/**
 * A session's end frees its concurrency lease at once, not after the final usage hand-off: a client that
 * reconnects right away at its company's limit is admitted instead of refused with 4429 (never retried).
 */
describe('session end: the lease is released before the final usage hand-off', () => {
  let gateway: TestGateway;
  let redis: Redis;
  const companies: string[] = [];

  const company = async (name: string) => {
    const id = `${PREFIX}-${name}`;
    companies.push(id);
    await fundCompany(id);
    return id;
  };
  const open = (companyId: string) => openSession(gateway, companyId);
  /** A session that streamed some audio, so it has a final usage event to hand off. */
  const streamingSession = async (companyId: string) => {
    const client = await open(companyId);
    expect(await sessionOutcome(client, true)).toBe('admitted');
    client.send({ type: 'Speak', text: 'Unas palabras para facturar.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    return client;
  };

  useRelayStack((stack) => ({ gateway } = stack), {
    gateway: { MAX_SESSIONS_PER_COMPANY: '1', IDLE_TIMEOUT_MS: '1000' },
  });
  beforeAll(() => {
    // A slow final hand-off, as when the usage queue's Redis answers late.
    gateway.app.get(SessionHooks).addObserver({
      onSessionStart: () => ({
        audioDelivered: () => undefined,
        textSent: () => undefined,
        end: () => new Promise((resolve) => setTimeout(resolve, SLOW_HANDOFF_MS).unref()),
      }),
    });
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    if (companies.length) await redis.del(...companies.map((id) => redisNamespace(gateway.env).leaseKey(id)));
    await redis?.quit();
  });

  it('admits an immediate reconnect after the client dropped its socket', async () => {
    const id = await company('dropped');
    const first = await streamingSession(id);
    first.close();
    await first.closed;
    const again = await open(id);
    expect(await sessionOutcome(again)).toBe('admitted');
  });

  it('admits an immediate reconnect after the gateway ended the session (idle timeout)', async () => {
    const id = await company('idle');
    const first = await streamingSession(id);
    expect((await first.waitForClose(5000)).code).toBe(4408);
    const again = await open(id);
    expect(await sessionOutcome(again)).toBe('admitted');
  });
});
