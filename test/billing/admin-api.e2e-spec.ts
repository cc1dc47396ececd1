import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { RedisNamespace } from '@tts/protocol';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  ADMIN_TOKEN,
  TEST_REDIS_URL,
  TestBilling,
  deleteBalanceKeys,
  destroyQueue,
  enqueue,
  openDataSource,
  startBilling,
  uniquePrefix,
  usageEvent,
  usageQueue,
} from './support/billing-harness';
import { pollUntil } from '../support/poll';

describe('billing admin API', () => {
  let database: TestDatabase;
  let billing: TestBilling;
  let queue: Queue;
  let redis: Redis;
  let db: DataSource;
  let prefix: string;
  const co = (name: string) => `admin-${process.pid}-${name}`;

  const call = async (method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN) => {
    const res = await fetch(billing.url + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };

  beforeAll(async () => {
    database = await createTestDatabase('admin');
    prefix = uniquePrefix('admin');
    queue = usageQueue(prefix);
    redis = new Redis(TEST_REDIS_URL);
    db = await openDataSource(database.url);
    billing = await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: prefix, CREDITS_PER_MINUTE: '2' });
  });

  afterAll(async () => {
    await billing?.close();
    await destroyQueue(queue);
    await deleteBalanceKeys(prefix, `admin-${process.pid}-`);
    redis.disconnect();
    await db?.destroy();
    await database?.drop();
  });

  it('refuses calls without the admin token or with a wrong one', async () => {
    expect((await call('GET', `/v1/companies/${co('a')}`, undefined, null)).status).toBe(401);
    const wrong = await call('PUT', `/v1/companies/${co('a')}`, {}, 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toMatch(/admin token/);
    expect((await fetch(`${billing.url}/admin/queues`)).status).toBe(401);
  });

  it('reads the Authorization scheme in any letter case, as HTTP defines it', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const res = await fetch(`${billing.url}/v1/companies/${co('nobody')}`, {
        headers: { authorization: `${scheme} ${ADMIN_TOKEN}` },
      });
      expect([scheme, res.status]).toEqual([scheme, 404]); // past the guard: the company does not exist
    }
    const noSpace = await fetch(`${billing.url}/v1/companies/${co('nobody')}`, {
      headers: { authorization: `Bearer${ADMIN_TOKEN}` },
    });
    expect(noSpace.status).toBe(401);
  });

  it('creates a company idempotently and reads it back', async () => {
    const first = await call('PUT', `/v1/companies/${co('acme')}`, { name: 'Acme' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ company_id: co('acme'), name: 'Acme', balance_credits: 0 });
    const again = await call('PUT', `/v1/companies/${co('acme')}`, {});
    expect(again.body).toMatchObject({ company_id: co('acme'), name: 'Acme', balance_credits: 0 });
    const read = await call('GET', `/v1/companies/${co('acme')}`);
    expect(read.status).toBe(200);
    expect(typeof read.body.updated_at).toBe('string');
    expect((await call('GET', `/v1/companies/${co('nobody')}`)).status).toBe(404);
  });

  it('gives the exact balance as decimal text beside the rounded number, which cannot hold it above 9 billion credits', async () => {
    await call('PUT', `/v1/companies/${co('big')}`, {});
    const topUp = await call('POST', `/v1/companies/${co('big')}/credits`, {
      amount: '123456789012345.123456',
      reference: `big-${process.pid}`,
    });
    expect(topUp.status).toBe(201);
    expect(topUp.body.balance_exact).toBe('123456789012345.123456000000000000');
    const read = await call('GET', `/v1/companies/${co('big')}`);
    expect(read.body.balance_exact).toBe('123456789012345.123456000000000000');
    expect(Math.abs(read.body.balance_credits - 123456789012345)).toBeLessThan(1); // the JSON number is close, not exact
  });

  it('answers clear 400s for bad input', async () => {
    const missing = await call('POST', `/v1/companies/${co('acme')}/credits`, { amount: 5 });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.message)).toMatch(/reference/);
    const precise = await call('POST', `/v1/companies/${co('acme')}/credits`, { amount: 1.0000001, reference: 'x' });
    expect(precise.status).toBe(400);
    expect(JSON.stringify(precise.body.message)).toMatch(/6 decimals/);
    // Never a float's guess, never a 500: exponents, sub-micro amounts and zero are refused with the rule.
    for (const amount of [1.5e-7, 1e-7, 0, '0.000000', '1e3', '5.0000001', true]) {
      const bad = await call('POST', `/v1/companies/${co('acme')}/credits`, { amount, reference: 'x' });
      expect([amount, bad.status]).toEqual([amount, 400]);
      expect(JSON.stringify(bad.body.message)).toMatch(
        amount === 0 || amount === '0.000000' ? /not be 0/ : /6 decimals/,
      );
    }
    // JSON numbers a float cannot hold exactly (they would be credited as ...459 and as 1e12).
    for (const amount of ['123456789012.123456', '999999999999.999999']) {
      const res = await fetch(`${billing.url}/v1/companies/${co('acme')}/credits`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: `{"amount": ${amount}, "reference": "float-${amount}"}`,
      });
      expect([amount, res.status]).toEqual([amount, 400]);
      expect((await res.json()).message.join()).toMatch(/decimal string/);
    }
    // The JSON number 1e2 is the value 100: exact, so it is credited as 100.
    const exponent = await fetch(`${billing.url}/v1/companies/${co('acme')}/credits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: `{"amount": 1e2, "reference": "exponent-${process.pid}"}`,
    });
    expect(exponent.status).toBe(201);
    expect((await exponent.json()).top_up.amount).toBe(100);
    await call('POST', `/v1/companies/${co('acme')}/credits`, {
      amount: -100,
      reference: `exponent-${process.pid}-back`,
    });
    expect((await call('PUT', `/v1/companies/bad%20id`, {})).status).toBe(400);
    expect((await call('PUT', `/v1/companies/${co('acme')}`, { name: 'x', extra: 1 })).status).toBe(400);
    expect((await call('GET', `/v1/companies/${co('acme')}/usage?from=yesterday`)).status).toBe(400);
  });

  it('applies a top-up once per reference and keeps the gateways balance key current', async () => {
    const ref = `inv-${process.pid}-1`;
    const first = await call('POST', `/v1/companies/${co('acme')}/credits`, { amount: 12.5, reference: ref });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ balance_credits: 12.5, top_up: { reference: ref, applied: true } });
    const replay = await call('POST', `/v1/companies/${co('acme')}/credits`, { amount: 12.5, reference: ref });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ balance_credits: 12.5, top_up: { applied: false } });
    const reused = await call('POST', `/v1/companies/${co('acme')}/credits`, { amount: 99, reference: ref });
    expect(reused.status).toBe(409);
    const debit = await call('POST', `/v1/companies/${co('acme')}/credits`, { amount: -2.25, reference: `${ref}-d` });
    expect(debit.body.balance_credits).toBe(10.25);
    expect(Number(await redis.get(new RedisNamespace(prefix).balanceKey(co('acme'))))).toBe(10.25);
    expect((await call('POST', `/v1/companies/${co('nobody')}/credits`, { amount: 1, reference: 'n' })).status).toBe(
      404,
    );
  });

  it('credits large and precise amounts exactly, given as decimal strings or short JSON numbers', async () => {
    const id = co('exact');
    await call('PUT', `/v1/companies/${id}`, {});
    const big = await call('POST', `/v1/companies/${id}/credits`, {
      amount: '123456789012.123456',
      reference: `${id}-1`,
    });
    expect(big.status).toBe(201);
    const top = await call('POST', `/v1/companies/${id}/credits`, {
      amount: '999999999999.999999',
      reference: `${id}-2`,
    });
    expect(top.status).toBe(201);
    const small = await call('POST', `/v1/companies/${id}/credits`, { amount: 123456789.123456, reference: `${id}-3` });
    expect(small.status).toBe(201);
    const [row] = await db.query(`SELECT balance_credits::text AS b FROM companies WHERE company_id = $1`, [id]);
    expect(row.b).toBe('1123580245801.246911000000000000');
    const amounts = await db.query(`SELECT amount::text AS a FROM credit_top_ups WHERE company_id = $1 ORDER BY id`, [
      id,
    ]);
    expect(amounts.map((r: { a: string }) => r.a)).toEqual([
      '123456789012.123456000000000000',
      '999999999999.999999000000000000',
      '123456789.123456000000000000',
    ]);
    // A replay in the other notation is the same amount.
    const replay = await call('POST', `/v1/companies/${id}/credits`, {
      amount: '123456789.123456',
      reference: `${id}-3`,
    });
    expect(replay.status).toBe(200);
  });

  it('reports usage totals and pages of items, filtered by session and time', async () => {
    const id = co('usage');
    await call('PUT', `/v1/companies/${id}`, {});
    await call('POST', `/v1/companies/${id}/credits`, { amount: 100, reference: `${id}-seed` });
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    await enqueue(queue, [
      // 30 s of linear16 24 kHz, 60 s of mu-law 8 kHz, 15 s of A-law 16 kHz: 105 s = 1.75 min = 3.5 credits at 2/min
      usageEvent(id, {
        session_id: 's1',
        encoding: 'linear16',
        sample_rate: 24000,
        audio_bytes: 30 * 48000,
        interval_end: at(10),
      }),
      usageEvent(id, {
        session_id: 's1',
        encoding: 'mulaw',
        sample_rate: 8000,
        audio_bytes: 60 * 8000,
        interval_end: at(20),
      }),
      usageEvent(id, {
        session_id: 's2',
        encoding: 'alaw',
        sample_rate: 16000,
        audio_bytes: 15 * 16000,
        interval_end: at(30),
      }),
    ]);
    const company = await pollUntil(
      () => call('GET', `/v1/companies/${id}`),
      (r) => r.body.balance_credits === 96.5,
    );
    expect(company.body.balance_credits).toBe(96.5);

    const all = await call('GET', `/v1/companies/${id}/usage?limit=2`);
    expect(all.body.totals).toEqual({
      audio_bytes: 30 * 48000 + 60 * 8000 + 15 * 16000,
      seconds: 105,
      minutes: 1.75,
      credits: 3.5,
      events: 3,
      exact: { seconds: '105', minutes: '1.75', credits: '3.5' },
    });
    expect(all.body.items).toHaveLength(2);
    expect(all.body.page.next_offset).toBe(2);
    expect(all.body.items[0]).toMatchObject({ session_id: 's1', seconds: 30, credits: 1 });
    const rest = await call('GET', `/v1/companies/${id}/usage?limit=2&offset=2`);
    expect(rest.body.items.map((i: { session_id: string }) => i.session_id)).toEqual(['s2']);
    expect(rest.body.page.next_offset).toBeNull();

    const s1 = await call('GET', `/v1/companies/${id}/usage?session_id=s1`);
    expect(s1.body.totals).toMatchObject({ seconds: 90, credits: 3, events: 2 });
    const window = await call('GET', `/v1/companies/${id}/usage?from=${at(15)}&to=${at(30)}`);
    expect(window.body.totals).toMatchObject({ seconds: 60, credits: 2, events: 1 });
  });

  it('keeps the OpenAPI docs behind the admin token, and takes HTTP Basic only on the browser UIs', async () => {
    const basic = (password: string) => ({
      authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
    });
    for (const path of ['/docs', '/docs/', '/docs-json', '/docs-yaml']) {
      const open = await fetch(billing.url + path);
      expect([path, open.status]).toEqual([path, 401]);
      expect(open.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect([path, (await fetch(billing.url + path, { headers: basic('wrong') })).status]).toEqual([path, 401]);
    }
    expect((await fetch(`${billing.url}/docs`, { headers: basic(ADMIN_TOKEN) })).status).toBe(200);
    expect((await fetch(`${billing.url}/admin/queues`, { headers: basic(ADMIN_TOKEN) })).status).toBe(200);
    const docs = await fetch(`${billing.url}/docs-json`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(Object.keys((await docs.json()).paths)).toContain('/v1/companies/{companyId}/credits');
    // The JSON API is Bearer only.
    const api = await fetch(`${billing.url}/v1/companies/${co('acme')}`, { headers: basic(ADMIN_TOKEN) });
    expect(api.status).toBe(401);
  });

  it('serves health and metrics without auth', async () => {
    const ready = await call('GET', '/health/ready', undefined, null);
    expect(ready.status).toBe(200);
    expect(ready.body.details).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
    expect((await call('GET', '/health/live', undefined, null)).status).toBe(200);
    const metrics = await call('GET', '/metrics', undefined, null);
    expect(metrics.body).toMatch(/billing_usage_events_applied_total 3/);
    expect(metrics.body).toMatch(/billing_usage_queue_jobs\{state="failed"\} 0/);
  });
});

describe('billing admin API without BILLING_ADMIN_TOKEN', () => {
  let database: TestDatabase;
  let billing: TestBilling;

  beforeAll(async () => {
    database = await createTestDatabase('admin_off');
    billing = await startBilling({
      DATABASE_URL: database.url,
      BULLMQ_PREFIX: uniquePrefix('admin-off'),
      BILLING_ADMIN_TOKEN: '',
    });
  });

  afterAll(async () => {
    await billing?.close();
    await database?.drop();
  });

  it('refuses every admin request with a clear message', async () => {
    const res = await fetch(`${billing.url}/v1/companies/x`, { headers: { authorization: 'Bearer anything' } });
    expect(res.status).toBe(503);
    expect((await res.json()).message).toMatch(/BILLING_ADMIN_TOKEN is not configured/);
    expect((await fetch(`${billing.url}/admin/queues`, { headers: { authorization: 'Bearer ' } })).status).toBe(503);
    expect((await fetch(`${billing.url}/docs-json`)).status).toBe(503);
  });
});
