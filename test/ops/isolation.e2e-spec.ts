import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { redisNamespace } from '@tts/config';
import { createTestDatabase, TestDatabase } from '../support/database';
import { RunningEmulator, startTestEmulator } from '../support/emulator';
import { TEST_REDIS_URL, TestGateway, startGateway } from '../support/gateway';
import { openSession, sessionOutcome } from '../support/session-outcome';
import { TestClient } from '../support/ws-client';
import { ADMIN_TOKEN, TestBilling, startBilling } from '../billing/support/billing-harness';

/** Several seconds of audio at real-time pacing: the session is still streaming when the other side depletes. */
const LONG_TEXT = 'Una frase larga que el emulador tarda varios segundos en pronunciar, sin prisa ninguna. '.repeat(3);
const NO_CREDITS = 'insufficient_credits 4402 the company has no credits left';
/** What a gateway says when its own billing answers that the company does not exist. */
const UNKNOWN_COMPANY = /^insufficient_credits 4402 unknown company: billing has no company with this company_id/;

/** One complete deployment (gateway + billing with its own ledger) on a Redis db and namespace. */
class Deployment {
  gateway!: TestGateway;
  billing!: TestBilling;
  private database!: TestDatabase;
  private runs = 0;

  constructor(
    readonly redisUrl: string,
    readonly prefix: string,
  ) {}

  get namespace() {
    return redisNamespace({ REDIS_URL: this.redisUrl, BULLMQ_PREFIX: this.prefix });
  }

  async start(emulator: RunningEmulator, label: string): Promise<void> {
    this.database = await createTestDatabase(`isolation_${label}`);
    const env = { REDIS_URL: this.redisUrl, BULLMQ_PREFIX: this.prefix };
    this.billing = await startBilling({ DATABASE_URL: this.database.url, ...env });
    this.gateway = await startGateway({ DEEPGRAM_URL: emulator.url, ...env });
  }

  async stop(): Promise<void> {
    await this.gateway?.close();
    await this.billing?.close();
    await this.database?.drop();
    await deleteNamespace(this.redisUrl, this.prefix);
  }

  /** Creates the company in this deployment's ledger with `credits` (the admin API, as operators do). */
  async company(id: string, credits: number): Promise<void> {
    await this.admin('PUT', id, '', { name: id });
    if (credits !== 0) await this.topUp(id, credits);
  }

  async topUp(id: string, amount: number): Promise<void> {
    await this.admin('POST', id, '/credits', { amount, reference: `isolation-${++this.runs}` });
  }

  outcome(id: string, keepOpen = false): Promise<string> {
    return openSession(this.gateway, id).then((client) => sessionOutcome(client, keepOpen));
  }

  private async admin(method: string, id: string, path: string, body: object): Promise<void> {
    const res = await fetch(`${this.billing.url}/v1/companies/${encodeURIComponent(id)}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${id}${path}: ${res.status} ${await res.text()}`);
  }
}

async function deleteNamespace(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

async function streaming(deployment: Deployment, companyId: string): Promise<TestClient> {
  const client = await openSession(deployment.gateway, companyId);
  expect(await sessionOutcome(client, true)).toBe('admitted');
  client.send({ type: 'Speak', text: LONG_TEXT });
  client.send({ type: 'Flush' });
  await client.until(() => (client.audio.length > 0 ? true : undefined), 5000, 'first audio');
  return client;
}

function withDb(url: string, db: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${db}`;
  return parsed.toString();
}

/**
 * Two deployments on one Redis server with the same company ids. Redis pub/sub ignores db numbers,
 * so this holds only because every channel and key carries the deployment's namespace.
 */
function describeIsolation(title: string, a: Deployment, b: Deployment): void {
  describe(title, () => {
    let emulator: RunningEmulator;

    beforeAll(async () => {
      Logger.overrideLogger(false);
      emulator = await startTestEmulator({ speed: 1 });
      await a.start(emulator, 'a');
      await b.start(emulator, 'b');
    });
    afterAll(async () => {
      await a.stop();
      await b.stop();
      await emulator?.close();
    });

    it("asks its own billing for an uncached balance, never the other deployment's", async () => {
      await a.company('sp-acme', 50);
      const redisA = new Redis(a.redisUrl);
      try {
        for (let i = 0; i < 6; i++) {
          // Uncached in A: A's gateway must ask billing, and only A's billing knows the company.
          await redisA.del(a.namespace.balanceKey('sp-acme'), a.namespace.balanceVersionKey('sp-acme'));
          expect(await a.outcome('sp-acme')).toBe('admitted');
          expect(await b.outcome('sp-acme')).toMatch(UNKNOWN_COMPANY);
        }
      } finally {
        redisA.disconnect();
      }
    });

    it('a depletion in one deployment ends only its own sessions of that company', async () => {
      await a.company('sp-shared', 50);
      await b.company('sp-shared', 50);
      const inA = await streaming(a, 'sp-shared');
      const inB = await streaming(b, 'sp-shared');

      await b.topUp('sp-shared', -50);
      expect((await inB.waitForClose(8000)).code).toBe(4402);
      // Past the broadcast and two depletion sweeps: A's session keeps streaming.
      const before = inA.audio.length;
      await new Promise((r) => setTimeout(r, 4500));
      expect(inA.readyStateOpen()).toBe(true);
      expect(inA.audio.length).toBeGreaterThan(before);
      expect(inA.texts.filter((m) => m.type === 'error')).toEqual([]);
      expect(await a.outcome('sp-shared')).toBe('admitted');
      inA.close();
    });

    it("a top-up in one deployment does not fund the other's company", async () => {
      await a.company('sp-zero', 0);
      await b.company('sp-zero', 0);
      await b.topUp('sp-zero', 10);
      expect(await b.outcome('sp-zero')).toBe('admitted');
      expect(await a.outcome('sp-zero')).toBe(NO_CREDITS);
    });

    it("company ids that extend another's ('sp-acme' and 'sp-acme:v') keep their own balances", async () => {
      await a.company('sp-acme:v', 50);
      await a.topUp('sp-acme', 5);
      expect(await a.outcome('sp-acme:v')).toBe('admitted');
      await a.topUp('sp-acme:v', -50);
      expect(await a.outcome('sp-acme:v')).toBe(NO_CREDITS);
      expect(await a.outcome('sp-acme')).toBe('admitted');
    });
  });
}

const RUN = `test-iso-${process.pid}`;

describeIsolation(
  'two deployments on different Redis dbs with the same namespace',
  new Deployment(withDb(TEST_REDIS_URL, 11), RUN),
  new Deployment(withDb(TEST_REDIS_URL, 12), RUN),
);

describeIsolation(
  'two deployments on the same Redis db with different namespaces',
  new Deployment(TEST_REDIS_URL, `${RUN}-a`),
  new Deployment(TEST_REDIS_URL, `${RUN}-b`),
);
