import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  ADMIN_TOKEN,
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
import { startWebhookReceiver } from './support/webhook-receiver';

/** Production settings: WEBHOOK_ALLOW_PRIVATE_ADDRESSES=false (the default). */
describe('low-balance webhooks never go to private addresses in production', () => {
  let database: TestDatabase;
  let db: DataSource;
  let billing: TestBilling;
  let queue: Queue;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const id = `urlpolicy-${process.pid}`;

  const arm = (webhookUrl: string) =>
    fetch(`${billing.url}/v1/companies/${id}/low-balance-alert`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ threshold_credits: 1, webhook_url: webhookUrl }),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  beforeAll(async () => {
    database = await createTestDatabase('urlpolicy');
    db = await openDataSource(database.url);
    const prefix = uniquePrefix('urlpolicy');
    queue = usageQueue(prefix);
    receiver = await startWebhookReceiver();
    billing = await startBilling({
      DATABASE_URL: database.url,
      BULLMQ_PREFIX: prefix,
      WEBHOOK_SIGNING_SECRET: 'test-webhook-signing-secret',
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'false',
      WEBHOOK_RETRY_BASE_MS: '50',
    });
    await db.query(`INSERT INTO companies (company_id, balance_credits) VALUES ($1, 2)`, [id]);
  });

  afterAll(async () => {
    await billing?.close();
    await destroyQueue(queue);
    await receiver?.close();
    await db?.destroy();
    await database?.drop();
    if (billing) await deleteBalanceKeys(billing.prefix, id); // and `${id}-named`
  });

  it.each([
    'http://127.0.0.1:9/hook',
    'http://localhost:9/hook',
    'http://[::1]:9/hook',
    'http://10.0.0.8/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::7f00:1]/x', // IPv4-compatible 127.0.0.1
    'http://[64:ff9b::7f00:1]/x', // NAT64 127.0.0.1
    'http://[64:ff9b::169.254.169.254]/latest/meta-data', // NAT64 cloud metadata
  ])('refuses to arm %s', async (url) => {
    const res = await arm(url);
    expect(res).toMatchObject({ status: 400, body: { message: expect.stringMatching(/public address/) } });
  });

  it('re-checks at delivery: an alert whose URL is private fails for good without a request', async () => {
    // As if the name had been re-pointed at a private address after arming.
    await db.query(
      `INSERT INTO low_balance_alerts (company_id, threshold_credits, webhook_url, above_threshold, armed_version)
       VALUES ($1, 1, $2, true, 0)`,
      [id, receiver.url('/private')],
    );
    await enqueue(queue, [usageEvent(id, { audio_bytes: 16000 * 2 * 60 })]);
    const [row] = await pollUntil(
      () => db.query(`SELECT failed_at FROM low_balance_events WHERE company_id = $1`, [id]),
      (r) => r.length === 1 && r[0].failed_at !== null,
    );
    expect(row.failed_at).not.toBeNull();
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses at connect time a name that resolves to a private address: no request, failed for good', async () => {
    // Names are judged by the lookup the delivery's own connection makes, not by an earlier, separate one.
    const named = `${id}-named`;
    await db.query(`INSERT INTO companies (company_id, balance_credits) VALUES ($1, 2)`, [named]);
    await db.query(
      `INSERT INTO low_balance_alerts (company_id, threshold_credits, webhook_url, above_threshold, armed_version)
       VALUES ($1, 1, $2, true, 0)`,
      [named, receiver.url('/named').replace('127.0.0.1', 'localhost')],
    );
    await enqueue(queue, [usageEvent(named, { audio_bytes: 16000 * 2 * 60 })]);
    await pollUntil(
      () => db.query(`SELECT failed_at FROM low_balance_events WHERE company_id = $1`, [named]),
      (r) => r.length === 1 && r[0].failed_at !== null,
    );
    expect(receiver.received).toHaveLength(0);
  });
});
