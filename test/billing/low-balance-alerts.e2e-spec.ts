import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  ADMIN_TOKEN,
  adminCall,
  TestBilling,
  deleteBalanceKeys,
  destroyQueue,
  enqueue,
  openDataSource,
  startBilling,
  uniquePrefix,
  usageEvent,
  usageQueue,
  webhookQueue,
} from './support/billing-harness';
import { pollUntil } from '../support/poll';
import { expectedSignature, startWebhookReceiver } from './support/webhook-receiver';

const SECRET = 'test-webhook-signing-secret';
/** 60 s of linear16 16 kHz audio: 1 credit at CREDITS_PER_MINUTE=1. */
const oneCredit = (company: string) => usageEvent(company, { audio_bytes: 16000 * 2 * 60 });

describe('low-balance alerts (signed webhooks through their own queue)', () => {
  let database: TestDatabase;
  let db: DataSource;
  let billing: TestBilling;
  let queue: Queue;
  let prefix: string;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const co = (name: string) => `alert-${process.pid}-${name}`;

  const call = (method: string, path: string, body?: unknown) => adminCall(billing, method, path, body);
  const company = async (name: string, credits: number) => {
    await call('PUT', `/v1/companies/${co(name)}`, {});
    await call('POST', `/v1/companies/${co(name)}/credits`, {
      amount: credits,
      reference: `${co(name)}-${Date.now()}`,
    });
  };
  const events = (name: string) =>
    db.query(
      `SELECT event_id::text, balance_credits::text, delivered_at, failed_at FROM low_balance_events WHERE company_id = $1 ORDER BY fired_at`,
      [co(name)],
    );
  const balanceApplied = (name: string, n: number) =>
    pollUntil(
      () => db.query(`SELECT count(*)::int AS n FROM usage_ledger WHERE company_id = $1`, [co(name)]),
      ([r]) => r.n === n,
    );

  beforeAll(async () => {
    database = await createTestDatabase('alerts');
    db = await openDataSource(database.url);
    prefix = uniquePrefix('alerts');
    queue = usageQueue(prefix);
    receiver = await startWebhookReceiver((path, n) => {
      if (path.startsWith('/flaky')) return n < 3 ? 503 : 200;
      if (path.startsWith('/down')) return 500;
      return 200;
    });
    billing = await startBilling({
      DATABASE_URL: database.url,
      BULLMQ_PREFIX: prefix,
      WEBHOOK_SIGNING_SECRET: SECRET,
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_ATTEMPTS: '4',
    });
  });

  afterAll(async () => {
    await billing?.close();
    await destroyQueue(queue);
    await receiver?.close();
    await db?.destroy();
    await database?.drop();
    await deleteBalanceKeys(prefix, co(''));
  });

  it('fires once per downward crossing with a valid signature, and again after a top-up and a new fall', async () => {
    await company('a', 10);
    const armed = await call('PUT', `/v1/companies/${co('a')}/low-balance-alert`, {
      threshold_credits: 5,
      webhook_url: receiver.url('/hooks/a'),
    });
    expect(armed).toMatchObject({ status: 200, body: { company_id: co('a'), threshold_credits: 5, armed: true } });

    // 10 -> 8 credits, then six more (one or more batches): the commit that crossed 5 fires, once.
    await enqueue(queue, [oneCredit(co('a')), oneCredit(co('a'))]);
    await balanceApplied('a', 2);
    await enqueue(
      queue,
      Array.from({ length: 6 }, () => oneCredit(co('a'))),
    );
    await balanceApplied('a', 8);
    const first = await pollUntil(
      () => Promise.resolve(receiver.on('/hooks/a')),
      (r) => r.length >= 1,
    );
    expect(first).toHaveLength(1);
    const [hook] = first;
    expect(hook.signature).toBe(expectedSignature(hook.raw, SECRET));
    const [row] = await events('a');
    expect(Number(row.balance_credits)).toBeLessThanOrEqual(5);
    expect(hook.body).toEqual({
      type: 'balance.low',
      event_id: row.event_id,
      company_id: co('a'),
      balance_credits: Number(row.balance_credits),
      threshold_credits: 5,
      at: expect.any(String),
    });
    expect((await call('GET', `/v1/companies/${co('a')}/low-balance-alert`)).body.armed).toBe(false);

    // Top-up above the threshold re-arms; a new fall fires a second, distinct alert.
    await call('POST', `/v1/companies/${co('a')}/credits`, { amount: 10, reference: `${co('a')}-again` });
    expect((await call('GET', `/v1/companies/${co('a')}/low-balance-alert`)).body.armed).toBe(true);
    await enqueue(
      queue,
      Array.from({ length: 8 }, () => oneCredit(co('a'))),
    );
    await balanceApplied('a', 16);
    const both = await pollUntil(
      () => Promise.resolve(receiver.on('/hooks/a')),
      (r) => r.length >= 2,
    );
    expect(both).toHaveLength(2);
    expect(both[1].body.event_id).not.toBe(both[0].body.event_id);
    expect(both[1].body.balance_credits).toBe(4);
    expect(await events('a')).toHaveLength(2);
  });

  it('retries a receiver that is down for a while and delivers later with the same event_id', async () => {
    await company('flaky', 3);
    await call('PUT', `/v1/companies/${co('flaky')}/low-balance-alert`, {
      threshold_credits: '1.5',
      webhook_url: receiver.url('/flaky/x'),
    });
    await enqueue(queue, [oneCredit(co('flaky')), oneCredit(co('flaky'))]);
    const [row] = await pollUntil(
      () => events('flaky'),
      (r) => r.length === 1 && r[0].delivered_at !== null,
    );
    const attempts = receiver.on('/flaky/x');
    expect(attempts.map((a) => a.status)).toEqual([503, 503, 503, 200]);
    expect(new Set(attempts.map((a) => a.body.event_id))).toEqual(new Set([row.event_id]));
    expect(new Set(attempts.map((a) => a.raw)).size).toBe(1); // the same signed bytes every time
  });

  it('keeps an alert whose receiver never answers 2xx as a failed job, counted as failed', async () => {
    await company('down', 2);
    await call('PUT', `/v1/companies/${co('down')}/low-balance-alert`, {
      threshold_credits: 1,
      webhook_url: receiver.url('/down/x'),
    });
    await enqueue(queue, [oneCredit(co('down'))]);
    const [row] = await pollUntil(
      () => events('down'),
      (r) => r.length === 1 && r[0].failed_at !== null,
    );
    expect(receiver.on('/down/x')).toHaveLength(4);
    const hooks = webhookQueue(prefix);
    try {
      const failed = await hooks.getJob(row.event_id);
      expect(await failed?.getState()).toBe('failed');
    } finally {
      await hooks.close();
    }
    // The billing team sees it in the queue dashboard.
    const board = await fetch(
      `${billing.url}/admin/queues/api/queues?activeQueue=tts-low-balance-webhooks&status=failed`,
      {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      },
    );
    const dashboard = (await board.json()) as { queues: Array<{ name: string; jobs: Array<{ id: string }> }> };
    const webhooks = dashboard.queues.find((q) => q.name === 'tts-low-balance-webhooks');
    expect(webhooks?.jobs.map((j) => j.id)).toContain(row.event_id);
    const metrics = await (await fetch(`${billing.url}/metrics`)).text();
    expect(metrics).toMatch(/billing_low_balance_alerts_failed_total 1\b/);
    expect(metrics).toMatch(/billing_low_balance_alerts_fired_total 4\b/);
    expect(metrics).toMatch(/billing_low_balance_alerts_delivered_total 3\b/);
  });

  it('validates the webhook URL and the threshold, and answers 404 for an unknown company', async () => {
    const put = (name: string, body: unknown) => call('PUT', `/v1/companies/${co(name)}/low-balance-alert`, body);
    await company('v', 1);
    expect(await put('v', { threshold_credits: 1, webhook_url: 'ftp://example.com/x' })).toMatchObject({
      status: 400,
      body: { message: 'webhook_url must use http or https' },
    });
    expect((await put('v', { threshold_credits: 'lots', webhook_url: receiver.url('/x') })).status).toBe(400);
    expect((await put('nobody', { threshold_credits: 1, webhook_url: receiver.url('/x') })).status).toBe(404);
    expect((await call('GET', `/v1/companies/${co('nobody')}/low-balance-alert`)).status).toBe(404);
    expect((await put('v', { threshold_credits: 0, webhook_url: receiver.url('/x') })).status).toBe(200);
    expect((await call('DELETE', `/v1/companies/${co('v')}/low-balance-alert`)).status).toBe(204);
    expect((await call('GET', `/v1/companies/${co('v')}/low-balance-alert`)).status).toBe(404);
  });
});
