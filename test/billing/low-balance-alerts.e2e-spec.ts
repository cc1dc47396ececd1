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
import { expectedSignature, startWebhookReceiver, verifyLowBalanceWebhook } from './support/webhook-receiver';
import { reconcileAlerts } from '../../apps/billing/src/reconcile/reconcile-alerts';

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
  /** What /down answers: 500 until a test brings the receiver back. */
  let downStatus = 500;
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
      `SELECT event_id::text, balance_credits::text, fired_at, delivered_at, failed_at FROM low_balance_events
        WHERE company_id = $1 ORDER BY fired_at`,
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
      if (path.startsWith('/down')) return downStatus;
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
    // The README's receiver snippet accepts the real delivery, bytes as received.
    expect(verifyLowBalanceWebhook(hook.bytes, hook.signature, SECRET)).toEqual(hook.body);
    const [row] = await events('a');
    expect(Number(row.balance_credits)).toBeLessThanOrEqual(5);
    expect(hook.body).toEqual({
      type: 'balance.low',
      event_id: row.event_id,
      company_id: co('a'),
      balance_credits: Number(row.balance_credits),
      threshold_credits: 5,
      at: row.fired_at.toISOString(),
      sent_at: expect.any(String),
    });
    expect(Date.parse(hook.body.sent_at)).toBeGreaterThanOrEqual(row.fired_at.getTime());
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
    // The same alert every time; sent_at is the time of each attempt, later each time, and signed with the rest:
    // a receiver refusing an old sent_at refuses a captured request replayed later.
    const { sent_at: _first, ...alert } = attempts[0].body;
    const sentAt = attempts.map((a) => Date.parse(a.body.sent_at));
    for (const [i, a] of attempts.entries()) {
      expect(a.body).toEqual({ ...alert, sent_at: expect.any(String) });
      expect(a.signature).toBe(expectedSignature(a.raw, SECRET));
      expect(verifyLowBalanceWebhook(a.bytes, a.signature, SECRET)).toEqual(a.body);
      if (i > 0) expect(sentAt[i]).toBeGreaterThan(sentAt[i - 1]);
    }
    // Replayed 6 minutes later, the last attempt verifies no more.
    const last = attempts[3];
    expect(verifyLowBalanceWebhook(last.bytes, last.signature, SECRET, sentAt[3] + 6 * 60_000)).toBeNull();
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
    expect(metrics).toMatch(/billing_low_balance_alerts_undelivered 1\b/);
    const reconciled = async () => (await reconcileAlerts(db)).find((r) => r.company_id === co('down'));
    expect(await reconciled()).toMatchObject({ alerts_fired: 1, delivered: 0, failed: 1 });

    // The receiver is back and the billing team retries the job from the dashboard (Bull Board's retry).
    downStatus = 200;
    const retried = webhookQueue(prefix);
    try {
      await (await retried.getJob(row.event_id))!.retry('failed');
    } finally {
      await retried.close();
    }
    const [delivered] = await pollUntil(
      () => events('down'),
      (r) => r[0].delivered_at !== null,
    );
    expect(delivered.failed_at).toBeNull(); // delivered, so no longer failed
    expect(await reconciled()).toMatchObject({ alerts_fired: 1, delivered: 1, failed: 0, ok: true });
    const after = await (await fetch(`${billing.url}/metrics`)).text();
    expect(after).toMatch(/billing_low_balance_alerts_undelivered 0\b/); // back down
    expect(after).toMatch(/billing_low_balance_alerts_delivered_total 4\b/);
    expect(after).toMatch(/billing_low_balance_alerts_failed_total 1\b/); // a counter: what happened
  });

  it('dates an alert (at, fired_at) when the crossing was recorded, after any wait for the row lock', async () => {
    await company('late', 10);
    await call('PUT', `/v1/companies/${co('late')}/low-balance-alert`, {
      threshold_credits: 5,
      webhook_url: receiver.url('/hooks/late'),
    });
    // Another transaction holds the company's row: the crossing top-up begins, then waits for it.
    const holder = db.createQueryRunner();
    await holder.connect();
    let released: Date;
    try {
      await holder.startTransaction();
      await holder.query(`SELECT 1 FROM companies WHERE company_id = $1 FOR UPDATE`, [co('late')]);
      const topUp = call('POST', `/v1/companies/${co('late')}/credits`, { amount: -6, reference: `${co('late')}-x` });
      await pollUntil(
        () =>
          db.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
          ),
        ([r]) => r.n >= 1,
      );
      await new Promise((r) => setTimeout(r, 300));
      [{ released }] = await holder.query(`SELECT clock_timestamp() AS released`);
      await holder.commitTransaction();
      expect((await topUp).status).toBe(201);
    } finally {
      await holder.release();
    }
    const [row] = await events('late');
    // now() would be the top-up transaction's start, before the wait.
    expect(row.fired_at.getTime()).toBeGreaterThanOrEqual(released.getTime());
    const [hook] = await pollUntil(
      () => Promise.resolve(receiver.on('/hooks/late')),
      (r) => r.length === 1,
    );
    expect(hook.body.at).toBe(row.fired_at.toISOString());
  });

  it('serves scrapes while the alerts table is locked without tying up the pool the admin API needs', async () => {
    await company('locked', 3);
    /** The gauge's reads waiting on a lock (the outbox sweep waits too, one at a time, on its own). */
    const waitingReads = async () => {
      const [r] = await db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%low_balance_events WHERE failed_at IS NOT NULL%'`,
      );
      return r.n as number;
    };
    // A migration or a manual fix holds the table (ACCESS EXCLUSIVE: even a count waits).
    const locker = db.createQueryRunner();
    await locker.connect();
    try {
      await locker.startTransaction();
      await locker.query('LOCK TABLE low_balance_events IN ACCESS EXCLUSIVE MODE');
      // More scrapes at once than billing's pool has connections (20): Prometheus plus people with curl.
      const scrapes = await Promise.all(
        Array.from({ length: 25 }, async () => {
          const res = await fetch(`${billing.url}/metrics`);
          return { status: res.status, body: await res.text() };
        }),
      );
      expect(scrapes.map((s) => s.status)).toEqual(Array(25).fill(200));
      expect(scrapes[0].body).toMatch(/billing_low_balance_alerts_undelivered \d+/); // the last value read
      // They shared one read: it alone waits on the lock, and the API still gets a connection.
      expect(await waitingReads()).toBeLessThanOrEqual(1);
      expect(await call('GET', `/v1/companies/${co('locked')}`)).toMatchObject({ status: 200 });
      // The read's statement timeout ends its wait while the lock is still held.
      await pollUntil(waitingReads, (n) => n === 0);
    } finally {
      await locker.rollbackTransaction();
      await locker.release();
    }
    const after = await (await fetch(`${billing.url}/metrics`)).text();
    expect(after).toMatch(/billing_low_balance_alerts_undelivered \d+/);
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
