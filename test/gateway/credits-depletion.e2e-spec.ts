import Redis from 'ioredis';
import { redisNamespace } from '@tts/config';
import { DepletionSweep } from '../../apps/gateway/src/credits/depletion-sweep.service';
import { SessionHooks } from '../../apps/gateway/src/session/session-hooks.service';
import { TEST_REDIS_URL, TestGateway, fundCompany, useRelayStack } from '../support/gateway';
import { openSession } from '../support/session-outcome';

const PREFIX = `credits-depletion-${process.pid}-${Date.now()}`;
/** At 60 ms of audio per character and real-time pacing, several seconds of audio still to come. */
const LONG_TEXT = 'Una frase larga que el emulador tarda varios segundos en pronunciar, sin prisa ninguna. '.repeat(2);

/**
 * "When a company's balance reaches 0, all its sessions on every pod end within 5 s", even when no
 * depletion broadcast reaches this pod (missed while reconnecting, or sent before the session registered).
 */
describe('credits depletion without a broadcast', () => {
  let gateway: TestGateway;
  let redis: Redis;

  const company = async (name: string) => {
    const id = `${PREFIX}-${name}`;
    await fundCompany(id, 50);
    return id;
  };
  const open = (companyId: string) => openSession(gateway, companyId);
  /** Billing's cache write alone: no credits.depleted broadcast is published. */
  const depleteSilently = (companyId: string) => redis.set(redisNamespace(gateway.env).balanceKey(companyId), '0');
  const streaming = async (companyId: string) => {
    const client = await open(companyId);
    client.send({ encoding: 'linear16', sample_rate: 16000, container: 'none' });
    client.send({ type: 'Speak', text: LONG_TEXT });
    client.send({ type: 'Flush' });
    await client.until(() => (client.audio.length > 0 ? true : undefined), 5000, 'first audio');
    return client;
  };

  useRelayStack((stack) => ({ gateway } = stack), { emulator: { speed: 1 }, gateway: { DRAIN_TIMEOUT_MS: '1000' } });
  beforeAll(() => (redis = new Redis(TEST_REDIS_URL)));
  afterAll(() => redis?.quit());

  it('ends a streaming session within 5 s of its cached balance reaching 0, and no other company', async () => {
    const [depleted, funded] = await Promise.all([company('silent'), company('bystander')]);
    const [client, bystander] = await Promise.all([streaming(depleted), streaming(funded)]);

    await depleteSilently(depleted);
    const depletedAt = Date.now();
    const closed = await client.waitForClose(8000);
    expect(closed.code).toBe(4402);
    expect(Date.now() - depletedAt).toBeLessThan(5000);
    expect(client.texts).toContainEqual(expect.objectContaining({ type: 'error', code: 'insufficient_credits' }));

    expect(bystander.readyStateOpen()).toBe(true);
    const audioSoFar = bystander.audio.length;
    await bystander.until(() => (bystander.audio.length > audioSoFar ? true : undefined), 3000, 'more audio');
    bystander.close();
    await bystander.closed;
  });

  it('ends a session whose company was depleted between its credit check and its start, not one starting beside it', async () => {
    // The periodic sweep off: only the check made when the session starts can catch it.
    gateway.app.get(DepletionSweep).stop();
    const [id, funded] = await Promise.all([company('race'), company('race-bystander')]);
    // Runs after every pipeline step (so after the credit check), before the session is registered.
    gateway.app.get(SessionHooks).appendAdmission({
      admit: async ({ query }) => {
        if (query.company_id === id) await depleteSilently(id);
      },
    });
    // Both start together: their start-of-session reads go out as one.
    const [client, bystander] = await Promise.all([open(id), streaming(funded)]);
    client.send({ encoding: 'linear16', sample_rate: 16000, container: 'none' });
    const started = Date.now();
    expect(await client.waitFor('error', 3000)).toMatchObject({ code: 'insufficient_credits' });
    expect((await client.waitForClose()).code).toBe(4402);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(bystander.readyStateOpen()).toBe(true);
    expect(bystander.texts).not.toContainEqual(expect.objectContaining({ type: 'error' }));
    bystander.close();
    await bystander.closed;
  });
});
