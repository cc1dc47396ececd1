import Redis from 'ioredis';
import { RedisNamespace } from '@tts/protocol';
import { SessionLeaseStore } from '../../apps/gateway/src/limits/session-lease.store';
import { RunningEmulator, startTestEmulator } from '../support/emulator';
import {
  TEST_REDIS_URL,
  TestGateway,
  cleanupFunding,
  deleteNamespace,
  fundCompany,
  startGateway,
} from '../support/gateway';
import { TestClient } from '../support/ws-client';
import { isDefined, pollUntil } from '../support/poll';

const PREFIX = `limits-${process.pid}-${Date.now()}`;
const LEASE_TTL_MS = 2000;
const NAMESPACE = `test-${PREFIX}`;
const leaseKey = (companyId: string) => new RedisNamespace(NAMESPACE).leaseKey(companyId);
let counter = 0;

async function open(gateway: TestGateway, companyId: string): Promise<TestClient> {
  const n = ++counter;
  return TestClient.connect(gateway.streamUrl({ company_id: companyId, user_id: `u-${n}`, session_id: `s-${n}` }));
}

/** Admitted = the upstream opens after the Config; refused = error frame and close. */
async function outcome(client: TestClient): Promise<string> {
  client.send({ model: 'aura-2-celeste-es' });
  const first = await client.waitFor((m) => m.type === 'status' || m.type === 'error');
  if (first.type === 'status') return 'admitted';
  return `${String(first.code)} ${(await client.waitForClose()).code}`;
}

describe('concurrent sessions per company, across gateway pods', () => {
  let emulator: RunningEmulator;
  let podA: TestGateway;
  let podB: TestGateway;
  let redis: Redis;
  const companies: string[] = [];
  const company = async (name: string) => {
    const id = `${PREFIX}-${name}`;
    companies.push(id);
    await fundCompany(id);
    return id;
  };

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const env = {
      // One deployment: both pods share the namespace in which leases are counted.
      BULLMQ_PREFIX: NAMESPACE,
      DEEPGRAM_URL: emulator.url,
      MAX_SESSIONS_PER_COMPANY: '2',
      SESSION_LEASE_TTL_MS: String(LEASE_TTL_MS),
      SESSION_LEASE_RENEW_MS: '300',
      DRAIN_TIMEOUT_MS: '1000',
    };
    [podA, podB] = await Promise.all([startGateway(env), startGateway(env)]);
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await Promise.all([podA?.close(), podB?.close()]);
    await emulator?.close();
    await redis?.quit();
    await cleanupFunding();
    await deleteNamespace(NAMESPACE);
  });

  it('admits up to the limit across two pods, refuses the next with too_many_sessions 4429 on either', async () => {
    const id = await company('two-pods');
    const first = await open(podA, id);
    const second = await open(podB, id);
    expect(await outcome(first)).toBe('admitted');
    expect(await outcome(second)).toBe('admitted');
    expect(await outcome(await open(podA, id))).toBe('too_many_sessions 4429');
    expect(await outcome(await open(podB, id))).toBe('too_many_sessions 4429');
    const otherCompany = await open(podB, await company('other'));
    expect(await outcome(otherCompany)).toBe('admitted');
    otherCompany.close();

    // Live sessions keep their leases past the TTL: the renewals hold the slots.
    await new Promise((r) => setTimeout(r, LEASE_TTL_MS + 500));
    expect(await outcome(await open(podB, id))).toBe('too_many_sessions 4429');
    expect(first.readyStateOpen() && second.readyStateOpen()).toBe(true);

    // A session that ends frees its slot for the other pod at once.
    first.close();
    await first.closed;
    const next = await pollUntil(
      async () => {
        const c = await open(podB, id);
        return (await outcome(c)) === 'admitted' ? c : (c.close(), undefined);
      },
      isDefined,
      2000,
    );
    next.close();
    second.close();
  });

  it('ends a session whose lease lapsed and was taken meanwhile (e.g. after a Redis outage)', async () => {
    const id = await company('lapsed');
    const holder = await open(podA, id);
    expect(await outcome(holder)).toBe('admitted');
    // As if Redis had lost the pod for longer than the TTL: the lease is gone and others filled the slots.
    await redis.del(leaseKey(id));
    const others = new SessionLeaseStore(redis, 60_000, new RedisNamespace(NAMESPACE));
    await others.hold({ companyId: id, connectionId: 'elsewhere-1' }, 2);
    await others.hold({ companyId: id, connectionId: 'elsewhere-2' }, 2);
    expect(await holder.waitFor('error', 3000)).toMatchObject({ code: 'too_many_sessions' });
    expect((await holder.waitForClose()).code).toBe(4429);
  });

  it("frees a crashed pod's sessions within the lease TTL", async () => {
    const id = await company('crashed');
    // A pod that died holding both slots: leases acquired, never renewed.
    const crashed = new SessionLeaseStore(redis, LEASE_TTL_MS, new RedisNamespace(NAMESPACE));
    expect(await crashed.hold({ companyId: id, connectionId: 'dead-pod-1' }, 2)).toBe(true);
    expect(await crashed.hold({ companyId: id, connectionId: 'dead-pod-2' }, 2)).toBe(true);
    const crashedAt = Date.now();
    expect(await outcome(await open(podA, id))).toBe('too_many_sessions 4429');

    const admitted = await pollUntil(
      async () => {
        const c = await open(podA, id);
        return (await outcome(c)) === 'admitted' ? c : undefined;
      },
      isDefined,
      LEASE_TTL_MS + 3000,
    );
    expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(LEASE_TTL_MS - 200);
    expect(Date.now() - crashedAt).toBeLessThan(LEASE_TTL_MS + 2000);
    admitted.close();
  });
});
