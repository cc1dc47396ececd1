/**
 * Many pods, one system: two gateway processes and two billing processes on one Redis and one
 * Postgres database, the emulator in-process at real-time pace. What holds across pods: the
 * per-company session limit, billing, credit cut-off, and recovery from a pod killed with SIGKILL.
 */
import { randomBytes } from 'crypto';
import { ErrorCode } from '@tts/protocol';
import { TestDatabase, createTestDatabase } from '../support/database';
import { RunningEmulator, startTestEmulator } from '../support/emulator';
import { testAuthEnv, tokenFor } from '../support/tokens';
import { CloseInfo, TestClient } from '../support/ws-client';
import {
  AppProcess,
  BILLING_ENTRY,
  GATEWAY_ENTRY,
  ensureBuilt,
  startBillingProcess,
  startGatewayProcess,
  streamUrl,
} from './app-process';
import { UsageQueueReader } from './usage-queue';
import { isDefined, pollUntil } from '../support/poll';
import { deleteKeys } from '../support/redis-keys';

const RUN = `ops-pods-${process.pid}-${randomBytes(3).toString('hex')}`;
const ADMIN_TOKEN = randomBytes(16).toString('hex');
const SESSION_LIMIT = 2;
const USAGE_INTERVAL_MS = 500;
/** linear16 at 16 kHz: what one usage interval of real-time audio weighs. */
const BYTES_PER_INTERVAL = (32_000 * USAGE_INTERVAL_MS) / 1000;
// 60 ms of audio per character at speed 1.
const SHORT_TEXT = 'Dos pods, un sistema.';
const LONG_TEXT = 'Esta frase dura bastante mas de cinco segundos para que la sesion siga viva cuando pase algo.';

const bytesReceived = (client: TestClient) => client.audio.reduce((sum, frame) => sum + frame.length, 0);

interface UsageTotals {
  audio_bytes: number;
  events: number;
}

describe('two gateways and two billing workers, one system (real processes)', () => {
  let db: TestDatabase;
  let emulator: RunningEmulator;
  let usageQueue: UsageQueueReader;
  let gateways: AppProcess[] = [];
  let billings: AppProcess[] = [];
  const clients: TestClient[] = [];

  async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${billings[0].baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function company(label: string, credits: number): Promise<string> {
    const id = `${RUN}-${label}`;
    await admin('PUT', `/v1/companies/${id}`, { name: label });
    await admin('POST', `/v1/companies/${id}/credits`, { amount: credits, reference: `${id}-initial` });
    return id;
  }

  const usageOf = async (companyId: string) =>
    (await admin<{ totals: UsageTotals; items: { gateway_id: string }[] }>('GET', `/v1/companies/${companyId}/usage`))
      .totals;

  async function connect(gateway: AppProcess, companyId: string, sessionId: string): Promise<TestClient> {
    const token = await tokenFor(companyId, 'ops-user');
    const query = { company_id: companyId, user_id: 'ops-user', session_id: sessionId, token };
    const client = await TestClient.connect(streamUrl(gateway, query));
    clients.push(client);
    client.send({ container: 'none' });
    return client;
  }

  const isConnected = (m: { type: string; message?: unknown }) =>
    m.type === 'status' && m.message === 'Deepgram TTS connected';

  /** A session the gateway admitted: its upstream opened and it said so. */
  async function session(gateway: AppProcess, companyId: string, sessionId: string): Promise<TestClient> {
    const client = await connect(gateway, companyId, sessionId);
    await client.waitFor(isConnected, 5000);
    return client;
  }

  /** Retries until a session is admitted (a released or lapsed lease lands a moment later). */
  function admittedWithin(timeoutMs: number, gateway: AppProcess, companyId: string, sessionId: string) {
    return pollUntil(
      async () => {
        const client = await connect(gateway, companyId, sessionId);
        return client.waitFor(isConnected, 5000).then(
          () => client,
          () => undefined,
        );
      },
      isDefined,
      timeoutMs,
      `session ${sessionId} admitted`,
    );
  }

  async function refused(gateway: AppProcess, companyId: string, code: ErrorCode): Promise<CloseInfo> {
    const client = await connect(gateway, companyId, `${RUN}-refused`);
    const closed = await client.waitForClose(5000);
    expect(client.texts).toContainEqual(expect.objectContaining({ type: 'error', code }));
    return closed;
  }

  beforeAll(async () => {
    await ensureBuilt([GATEWAY_ENTRY, BILLING_ENTRY]);
    [db, emulator] = await Promise.all([
      createTestDatabase('ops_multi_pod'),
      startTestEmulator({ speed: 1, ttfbMs: 50 }),
    ]);
    usageQueue = new UsageQueueReader(RUN);
    const shared = { BULLMQ_PREFIX: RUN, LOG_LEVEL: 'warn' };
    billings = await Promise.all(
      [1, 2].map(() =>
        startBillingProcess({
          ...shared,
          DATABASE_URL: db.url,
          BILLING_ADMIN_TOKEN: ADMIN_TOKEN,
          CREDITS_PER_MINUTE: '1',
        }),
      ),
    );
    gateways = await Promise.all(
      [1, 2].map(() =>
        startGatewayProcess({
          ...shared,
          ...testAuthEnv,
          DEEPGRAM_URL: emulator.url,
          DEEPGRAM_API_KEY: 'test-deepgram-key',
          MAX_SESSIONS_PER_COMPANY: String(SESSION_LIMIT),
          USAGE_FLUSH_INTERVAL_MS: String(USAGE_INTERVAL_MS),
          SESSION_LEASE_TTL_MS: '3000',
          SESSION_LEASE_RENEW_MS: '500',
          DRAIN_TIMEOUT_MS: '1000',
        }),
      ),
    );
  }, 40_000);

  afterAll(async () => {
    for (const client of clients) client.ws.terminate();
    await Promise.all([...gateways, ...billings].map((p) => p.stop()));
    await usageQueue?.close();
    await emulator?.close();
    await db?.drop();
    await deleteKeys(`${RUN}:*`);
  });

  it('spreads sessions over both gateways, holds the company limit across them and bills both', async () => {
    const companyId = await company('limit', 100);
    const [gw1, gw2] = gateways;
    const a = await session(gw1, companyId, `${RUN}-a`);
    const b = await session(gw2, companyId, `${RUN}-b`);

    expect(await refused(gw1, companyId, ErrorCode.TooManySessions)).toMatchObject({ code: 4429 });
    expect(await refused(gw2, companyId, ErrorCode.TooManySessions)).toMatchObject({ code: 4429 });

    for (const client of [a, b]) {
      client.send({ type: 'Speak', text: SHORT_TEXT });
      client.send({ type: 'Close' });
    }
    await Promise.all([a, b].map((c) => c.waitFor((m) => m.type === 'status' && m.message === 'closed')));
    const delivered = bytesReceived(a) + bytesReceived(b);
    expect(delivered).toBeGreaterThan(0);

    // A slot freed on one pod is usable from the other.
    await admittedWithin(2000, gw1, companyId, `${RUN}-c`);

    const totals = await pollUntil(
      async () => {
        const t = await usageOf(companyId);
        return t.audio_bytes === delivered ? t : undefined;
      },
      isDefined,
      10_000,
      'both sessions billed',
    );
    expect(totals.audio_bytes).toBe(delivered);
    const report = await admin<{ items: { gateway_id: string }[] }>('GET', `/v1/companies/${companyId}/usage`);
    expect(new Set(report.items.map((i) => i.gateway_id)).size).toBe(2);
  });

  it("ends a depleted company's sessions on both gateways", async () => {
    // 0.01 credits at 1 credit/minute: 0.6 s of audio, less than either session speaks.
    const companyId = await company('depleted', 0.01);
    const clientsOfCompany = await Promise.all(gateways.map((gw, i) => session(gw, companyId, `${RUN}-depleted-${i}`)));
    for (const client of clientsOfCompany) {
      client.send({ type: 'Speak', text: LONG_TEXT });
      client.send({ type: 'Flush' });
    }
    const started = Date.now();
    const closes = await Promise.all(clientsOfCompany.map((c) => c.waitForClose(8000)));
    for (const [i, close] of closes.entries()) {
      expect(close.code).toBe(4402);
      expect(clientsOfCompany[i].texts).toContainEqual(
        expect.objectContaining({ type: 'error', code: ErrorCode.InsufficientCredits }),
      );
    }
    // Long before the 5.6 s utterance could have ended by itself.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await refused(gateways[1], companyId, ErrorCode.InsufficientCredits)).toMatchObject({ code: 4402 });
  });

  it('bills a SIGKILLed gateway up to its last usage interval and frees its session leases', async () => {
    const companyId = await company('killed', 100);
    const [survivor, victim] = gateways;
    const doomed = await Promise.all([0, 1].map((i) => session(victim, companyId, `${RUN}-killed-${i}`)));
    for (const client of doomed) {
      client.send({ type: 'Speak', text: LONG_TEXT });
      client.send({ type: 'Flush' });
    }
    // At least three usage intervals of audio delivered, then the pod dies without a word.
    await pollUntil(
      () => (doomed.every((c) => bytesReceived(c) >= 3 * BYTES_PER_INTERVAL) ? true : undefined),
      isDefined,
      5000,
      'audio',
    );
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const closes = await Promise.all(doomed.map((c) => c.waitForClose(2000)));
    for (const close of closes) expect(close.code).toBe(1006);
    const delivered = doomed.reduce((sum, c) => sum + bytesReceived(c), 0);

    // The dead pod's leases still count until they lapse, then the company can connect again.
    expect(await refused(survivor, companyId, ErrorCode.TooManySessions)).toMatchObject({ code: 4429 });
    await admittedWithin(10_000, survivor, companyId, `${RUN}-after-kill`);
    expect(Date.now() - killedAt).toBeLessThan(10_000);

    // Billed: everything up to the last interval the dead pod published; at most one interval lost per session.
    const totals = await pollUntil(
      async () => {
        const t = await usageOf(companyId);
        return t.audio_bytes >= delivered - 2 * 2 * BYTES_PER_INTERVAL ? t : undefined;
      },
      isDefined,
      10_000,
      'the dead pod’s intervals billed',
    );
    expect(totals.audio_bytes).toBeLessThanOrEqual(delivered);
    expect(totals.events).toBeGreaterThanOrEqual(2);
    // Nothing was published for them after the kill: no final events, only the intervals.
    const published = await usageQueue.events();
    expect(published.filter((e) => e.session_id.startsWith(`${RUN}-killed-`) && e.final)).toEqual([]);
  });
});
