import { ChildProcess } from 'child_process';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  deleteBalanceKeys,
  destroyQueue,
  enqueue,
  openDataSource,
  uniquePrefix,
  usageEvent,
  usageQueue,
} from './support/billing-harness';
import { pollUntil } from '../support/poll';
import { assertBuilt, exited, spawnBilling } from './support/billing-process';
import { expectedSignature, startWebhookReceiver } from './support/webhook-receiver';

const SECRET = 'test-webhook-signing-secret';

/** Low-balance alerts fired by real billing processes: several at once, and one killed mid-burst. */
describe('low-balance alerts across billing processes', () => {
  let database: TestDatabase;
  let db: DataSource;
  let prefix: string;
  let queue: Queue;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let children: ChildProcess[] = [];
  const co = (name: string) => `alertw-${process.pid}-${name}`;
  const env = () => ({
    DATABASE_URL: database.url,
    BULLMQ_PREFIX: prefix,
    WEBHOOK_SIGNING_SECRET: SECRET,
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
    WEBHOOK_RETRY_BASE_MS: '100',
  });
  const stopAll = async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    children = [];
  };
  /** A company with `credits` and an alert at `threshold` armed on `path`. */
  const armed = async (name: string, credits: number, threshold: number) => {
    await db.query(`INSERT INTO companies (company_id, balance_credits) VALUES ($1, $2)`, [co(name), credits]);
    await db.query(
      `INSERT INTO low_balance_alerts (company_id, threshold_credits, webhook_url, above_threshold, armed_version)
       VALUES ($1, $2, $3, true, 0)`,
      [co(name), threshold, receiver.url(`/${name}`)],
    );
  };
  const applied = (name: string) =>
    db
      .query(`SELECT count(*)::int AS n FROM usage_ledger WHERE company_id = $1`, [co(name)])
      .then(([r]) => r.n as number);
  const alertRows = (name: string) =>
    db.query(`SELECT event_id::text FROM low_balance_events WHERE company_id = $1`, [co(name)]);
  /** `n` events of 1 s of linear16 48 kHz audio: 1/60 credit each. */
  const seconds = (name: string, n: number) =>
    Array.from({ length: n }, () => usageEvent(co(name), { sample_rate: 48000, audio_bytes: 96000 }));

  beforeAll(async () => {
    assertBuilt();
    database = await createTestDatabase('alertw');
    db = await openDataSource(database.url);
    prefix = uniquePrefix('alertw');
    queue = usageQueue(prefix);
    // The first request on /stuck is left unanswered: its process is killed while the POST is in flight.
    receiver = await startWebhookReceiver((path, n) => (path === '/stuck' && n === 0 ? 'hang' : 200));
  });

  // Each test's billing processes die with it: none outlives its test (or keeps jest alive).
  afterEach(stopAll);

  afterAll(async () => {
    await stopAll();
    await destroyQueue(queue);
    await receiver?.close();
    await db?.destroy();
    await database?.drop();
    await deleteBalanceKeys(prefix, co(''));
  });

  it('fires exactly once when 4 workers apply the usage that crosses the threshold', async () => {
    // 100 credits, threshold 50: 4,800 events (80 credits) applied concurrently by four processes.
    await armed('four', 100, 50);
    children = Array.from({ length: 4 }, () => spawnBilling(env()));
    await enqueue(queue, seconds('four', 4800));
    expect(
      await pollUntil(
        () => applied('four'),
        (n) => n === 4800,
        60_000,
      ),
    ).toBe(4800);
    const hooks = await pollUntil(
      () => Promise.resolve(receiver.on('/four')),
      (r) => r.length >= 1,
    );
    const rows = await alertRows('four');
    expect(rows).toHaveLength(1);
    expect(new Set(hooks.map((h) => h.body.event_id))).toEqual(new Set([rows[0].event_id]));
    expect(hooks[0].signature).toBe(expectedSignature(hooks[0].raw, SECRET));
  }, 90_000);

  it('fires exactly once when the worker is SIGKILLed mid-burst around the crossing', async () => {
    // 100 credits, threshold 50: the crossing is at event 3,000 of 6,000; the kill lands just before it or on it.
    await armed('kill', 100, 50);
    children = [spawnBilling(env())];
    await enqueue(queue, seconds('kill', 6000));
    await pollUntil(
      () => applied('kill'),
      (n) => n >= 2700,
      30_000,
    );
    children[0].kill('SIGKILL');
    await exited(children[0]);
    expect(await applied('kill')).toBeLessThan(6000);
    children = [spawnBilling(env())];
    expect(
      await pollUntil(
        () => applied('kill'),
        (n) => n === 6000,
        60_000,
      ),
    ).toBe(6000);
    const hooks = await pollUntil(
      () => Promise.resolve(receiver.on('/kill')),
      (r) => r.length >= 1,
      30_000, // a delivery the kill cut short is taken over when its 10 s lock expires
    );
    const rows = await alertRows('kill');
    expect(rows).toHaveLength(1);
    expect(new Set(hooks.map((h) => h.body.event_id))).toEqual(new Set([rows[0].event_id]));
    expect(hooks[0].body.balance_credits).toBeLessThanOrEqual(50);
  }, 120_000);

  it('a survivor takes over a delivery whose process was SIGKILLed mid-POST, within seconds', async () => {
    await armed('stuck', 100, 50);
    children = [spawnBilling(env())];
    await enqueue(queue, seconds('stuck', 3001));
    const [hung] = await pollUntil(
      () => Promise.resolve(receiver.on('/stuck')),
      (r) => r.length >= 1,
      30_000,
    );
    expect(hung.status).toBe('hang');
    children[0].kill('SIGKILL');
    await exited(children[0]);
    children = [spawnBilling(env())];
    // BullMQ's default lock (30 s) and stalled check (30 s) would leave it waiting up to a minute.
    const [, again] = await pollUntil(
      () => Promise.resolve(receiver.on('/stuck')),
      (r) => r.length >= 2,
      30_000,
    );
    expect(again.status).toBe(200);
    // The same alert; only sent_at, the time of the attempt, is new (and signed with the rest).
    const { sent_at: hungSentAt, ...alert } = hung.body;
    expect(again.body).toEqual({ ...alert, sent_at: expect.any(String) });
    expect(Date.parse(again.body.sent_at)).toBeGreaterThan(Date.parse(hungSentAt));
    expect(again.signature).toBe(expectedSignature(again.raw, SECRET));
    const [row] = await pollUntil(
      () => db.query(`SELECT delivered_at FROM low_balance_events WHERE company_id = $1`, [co('stuck')]),
      (r) => r[0]?.delivered_at != null,
    );
    expect(row.delivered_at).not.toBeNull();
  }, 90_000);
});
