import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { parseWav } from '@tts/audio';
import { RedisNamespace } from '@tts/protocol';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway, useRelayStack } from '../support/gateway';
import { TestClient } from '../support/ws-client';
import {
  ADMIN_TOKEN,
  TEST_REDIS_URL,
  TestBilling,
  deleteBalanceKeys,
  destroyQueue,
  openDataSource,
  startBilling,
  toMicro,
  uniquePrefix,
  usageQueue,
} from './support/billing-harness';
import { pollUntil } from '../support/poll';

const CREDITS_PER_MINUTE = 3;

describe('gateway and billing together', () => {
  let database: TestDatabase;
  let db: DataSource;
  let billing: TestBilling;
  let gateway: TestGateway;
  let queue: Queue;
  let redis: Redis;
  const prefix = uniquePrefix('gwb');
  let namespace: RedisNamespace;
  let n = 0;
  const company = () => `gwb-${process.pid}-${++n}`;

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(billing.url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((r) => r.json());

  const fund = async (id: string, amount: number) => {
    await admin('PUT', `/v1/companies/${id}`, {});
    if (amount !== 0) await admin('POST', `/v1/companies/${id}/credits`, { amount, reference: `${id}-fund` });
  };

  const connect = (companyId: string) =>
    TestClient.connect(gateway.streamUrl({ company_id: companyId, user_id: 'u1', session_id: `s-${companyId}` }));

  beforeAll(async () => {
    database = await createTestDatabase('gateway_billing');
    db = await openDataSource(database.url);
    namespace = new RedisNamespace(prefix);
    queue = usageQueue(prefix);
    redis = new Redis(TEST_REDIS_URL);
    billing = await startBilling({
      DATABASE_URL: database.url,
      BULLMQ_PREFIX: prefix,
      CREDITS_PER_MINUTE: String(CREDITS_PER_MINUTE),
    });
  });
  // Hooks run in the order declared: the gateway boots after billing, on its queue, and closes before it.
  useRelayStack((stack) => ({ gateway } = stack), {
    gateway: () => ({ BULLMQ_PREFIX: prefix, USAGE_FLUSH_INTERVAL_MS: '200' }),
  });
  afterAll(async () => {
    await billing?.close();
    await destroyQueue(queue);
    await deleteBalanceKeys(prefix, `gwb-${process.pid}-`);
    redis.disconnect();
    await db?.destroy();
    await database?.drop();
  });

  it('refuses a company with a zero balance at connect with 4402', async () => {
    const id = company();
    await fund(id, 0);
    const client = await connect(id);
    const closed = await client.waitForClose();
    expect(closed.code).toBe(4402);
    expect(client.texts[0]).toMatchObject({ type: 'error', code: 'insufficient_credits' });
  });

  it('refuses an unknown company (billing asked, no such company) with 4402', async () => {
    const client = await connect(`gwb-${process.pid}-unknown`);
    expect((await client.waitForClose()).code).toBe(4402);
    // The message says what is wrong and how to fix it, not "no credits left".
    expect(client.texts[0]).toMatchObject({
      code: 'insufficient_credits',
      message: expect.stringMatching(/^unknown company: .*PUT \/v1\/companies\/\{id\}/),
    });
  });

  it('admits a funded company whose balance is not cached yet by asking billing', async () => {
    const id = company();
    await fund(id, 5);
    await redis.del(namespace.balanceKey(id), namespace.balanceVersionKey(id));
    const client = await connect(id);
    client.send({ encoding: 'linear16', sample_rate: 16000, container: 'none' });
    await client.waitFor('status');
    expect(Number(await redis.get(namespace.balanceKey(id)))).toBe(5);
    client.close();
    await client.waitForClose();
  });

  it('lowers the balance by exactly the streamed seconds / 60 x CREDITS_PER_MINUTE', async () => {
    const id = company();
    await fund(id, 100);
    const client = await connect(id);
    client.send({ encoding: 'mulaw', sample_rate: 8000, container: 'wav' });
    for (let i = 0; i < 3; i++) {
      client.send({ type: 'Speak', text: `Frase número ${i}, con algo de audio para medir.` });
      client.send({ type: 'Flush' });
      await client.waitFor('Flushed', 10_000, i + 1);
      await new Promise((r) => setTimeout(r, 250)); // spans several usage intervals
    }
    client.send({ type: 'Close' });
    await client.waitForClose();
    const bytes = client.audio.reduce((sum, frame) => sum + parseWav(frame).data.length, 0);
    expect(bytes).toBeGreaterThan(0);
    const seconds = bytes / 8000;

    const rows: Array<{ audio_bytes: string; final: boolean }> = await pollUntil(
      () => db.query(`SELECT audio_bytes::text, final FROM usage_ledger WHERE company_id = $1 ORDER BY id`, [id]),
      (r) => r.some((row: { final: boolean }) => row.final),
    );
    expect(rows.reduce((sum, r) => sum + Number(r.audio_bytes), 0)).toBe(bytes);
    expect(rows.length).toBeGreaterThan(1); // interval events plus the final one
    const [{ balance }] = await db.query(
      `SELECT balance_credits::text AS balance FROM companies WHERE company_id = $1`,
      [id],
    );
    const expectedMicro = 100_000000n - (BigInt(bytes) * BigInt(CREDITS_PER_MINUTE) * 1_000000n + 240_000n) / 480_000n;
    expect(toMicro(balance)).toBe(expectedMicro);
    const company_ = await admin('GET', `/v1/companies/${id}`);
    expect(company_.balance_credits).toBeCloseTo(100 - (seconds / 60) * CREDITS_PER_MINUTE, 6);
  });

  it('ends a session within 5 s once the company runs out of credits mid-session', async () => {
    const id = company();
    await fund(id, 0.01); // 0.2 s of audio at 3 credits/minute
    const client = await connect(id);
    client.send({ encoding: 'linear16', sample_rate: 16000, container: 'none' });
    await client.waitFor('status');
    client.send({
      type: 'Speak',
      text: 'Un texto suficientemente largo para gastar todos los créditos de la empresa.',
    });
    client.send({ type: 'Flush' });
    // The credits run out while this audio streams: the cut may come before or after the Flushed.
    const flushedAt = await client.waitFor('Flushed').then(
      () => Date.now(),
      () => Date.now(),
    );
    const closed = await client.waitForClose(8000);
    expect(closed.code).toBe(4402);
    expect(Date.now() - flushedAt).toBeLessThan(5000);
    expect(client.texts).toContainEqual(expect.objectContaining({ type: 'error', code: 'insufficient_credits' }));
    const after = await admin('GET', `/v1/companies/${id}`);
    expect(after.balance_credits).toBeLessThan(0); // the last interval is billed, never dropped
    // And the next connect is refused at once.
    const again = await connect(id);
    expect((await again.waitForClose()).code).toBe(4402);
  });
});
