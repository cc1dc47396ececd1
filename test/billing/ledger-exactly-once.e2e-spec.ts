import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { USAGE_LEDGER_TEXT_WIDTH } from '../../apps/billing/src/database/ledger-schema';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  TestBilling,
  balanceOf,
  deleteBalanceKeys,
  destroyQueue,
  enqueue,
  openDataSource,
  toMicro,
  startBilling,
  uniquePrefix,
  usageEvent,
  usageQueue,
} from './support/billing-harness';
import { pollUntil } from '../support/poll';

describe('usage ledger: exactly once on an at-least-once queue', () => {
  let database: TestDatabase;
  let db: DataSource;
  let queue: Queue;
  let prefix: string;
  const workers: TestBilling[] = [];
  const company = `ledger-${process.pid}`;

  beforeAll(async () => {
    database = await createTestDatabase('ledger');
    db = await openDataSource(database.url);
    prefix = uniquePrefix('ledger');
    queue = usageQueue(prefix);
    // Four billing processes' worth of workers, each with its own batching, on one queue and one ledger.
    for (let i = 0; i < 4; i++) workers.push(await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: prefix }));
  });

  afterAll(async () => {
    for (const w of workers) await w.close();
    await destroyQueue(queue);
    await db?.destroy();
    await database?.drop();
    await deleteBalanceKeys(prefix, company);
  });

  it('charges an event delivered three times once', async () => {
    const id = `${company}-triple`;
    const event = usageEvent(id, { audio_bytes: 16000 * 2 * 90 }); // 90 s of linear16 16 kHz = 1.5 credits
    await enqueue(queue, [event], '#1');
    await pollUntil(
      () => balanceOf(db, id),
      (b) => b !== undefined,
    );
    await enqueue(queue, [event], '#2');
    await enqueue(queue, [event], '#3');
    await pollUntil(
      () => queue.getJobCounts('waiting', 'active', 'delayed'),
      (c) => c.waiting + c.active + c.delayed === 0,
    );

    // An unknown company is created at 0 and charged: usage is never dropped, balances may go negative.
    expect(await balanceOf(db, id)).toBe('-1.500000000000000000');
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM usage_ledger WHERE company_id = $1`, [id]);
    expect(n).toBe(1);
  });

  it('leaves one company exact to the micro-credit after 10,000 events from four concurrent workers', async () => {
    await db.query(`INSERT INTO companies (company_id, balance_credits) VALUES ($1, 1000)`, [company]);
    // 1/3 s of mu-law 8 kHz each (2666.67 bytes is not whole, so mix sizes): non-terminating decimals on purpose.
    const events = Array.from({ length: 10_000 }, (_, i) =>
      usageEvent(company, { encoding: 'mulaw', sample_rate: 8000, audio_bytes: 1000 + (i % 7) * 333 }),
    );
    const totalBytes = events.reduce((n, e) => n + e.audio_bytes, 0);
    await enqueue(queue, events);
    // Deliver a slice again, as a crashed publisher or stalled job would.
    await enqueue(queue, events.slice(0, 500), '#again');

    const expectedMicro = 1000_000000n - (BigInt(totalBytes) * 1_000000n + 240_000n) / 480_000n; // bytes/8000/60 credits
    const balance = await pollUntil(
      () => balanceOf(db, company),
      (b) => b !== undefined && toMicro(b) === expectedMicro,
      30_000,
    );
    await pollUntil(
      () => queue.getJobCounts('waiting', 'active', 'delayed'),
      (c) => c.waiting + c.active + c.delayed === 0,
    );
    expect(toMicro((await balanceOf(db, company))!)).toBe(expectedMicro);
    expect(balance).toBeDefined();
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM usage_ledger WHERE company_id = $1`, [company]);
    expect(n).toBe(10_000);
  });

  it('fails a malformed event for good (kept, not retried) without holding back the valid ones', async () => {
    const id = `${company}-poison`;
    const good = usageEvent(id, { audio_bytes: 16000 * 2 * 6 }); // 6 s = 0.1 credit
    const bad = usageEvent(id, { sample_rate: 12345 });
    await enqueue(queue, [bad, good]);
    const failed = await pollUntil(
      () => queue.getFailed(),
      (jobs) => jobs.some((j) => j.data.event_id === bad.event_id),
    );
    const job = failed.find((j) => j.data.event_id === bad.event_id)!;
    expect(job.failedReason).toMatch(/invalid usage event: sample_rate is not valid/);
    expect(job.attemptsMade).toBe(1);
    expect(
      await pollUntil(
        () => balanceOf(db, id),
        (b) => b !== undefined,
      ),
    ).toBe('-0.100000000000000000');
  });

  it('validates each text field of an event against exactly its ledger column length', async () => {
    const columns: Array<{ name: string; max: number }> = await db.query(
      `SELECT column_name AS name, character_maximum_length AS max FROM information_schema.columns
        WHERE table_name = 'usage_ledger' AND column_name = ANY($1)`,
      [Object.keys(USAGE_LEDGER_TEXT_WIDTH)],
    );
    expect(Object.fromEntries(columns.map((c) => [c.name, c.max]))).toEqual(USAGE_LEDGER_TEXT_WIDTH);
  });

  it('fails an event with a field longer than its ledger column for good, on the first attempt', async () => {
    const id = `${company}-long`;
    const long = usageEvent(id, { gateway_id: 'g'.repeat(201) }); // the column is varchar(200)
    await enqueue(queue, [long]);
    const failed = await pollUntil(
      () => queue.getFailed(),
      (jobs) => jobs.some((j) => j.data.event_id === long.event_id),
    );
    const job = failed.find((j) => j.data.event_id === long.event_id)!;
    expect(job.failedReason).toMatch(/invalid usage event: gateway_id must be a string of 1 to 200 characters/);
    expect(job.attemptsMade).toBe(1);
    expect(await balanceOf(db, id)).toBeUndefined();
  });

  it.each([
    ['a bare number', '1'],
    ['a six-digit year', '+010000-01-01T00:00:00Z'],
    ['no time zone', '2026-12-01T10:00:00'],
  ])('fails an event whose interval_end is %s for good, on the first attempt', async (_what, interval_end) => {
    const id = `${company}-time-${_what.replaceAll(' ', '-')}`;
    const bad = usageEvent(id, { interval_end });
    await enqueue(queue, [bad]);
    const failed = await pollUntil(
      () => queue.getFailed(),
      (jobs) => jobs.some((j) => j.data.event_id === bad.event_id),
    );
    const job = failed.find((j) => j.data.event_id === bad.event_id)!;
    expect(job.failedReason).toMatch(
      /invalid usage event: interval_end must be an ISO-8601 date-time with Z or an offset/,
    );
    expect(job.attemptsMade).toBe(1);
    expect(await balanceOf(db, id)).toBeUndefined();
  });

  it('stores an event time with an offset and microseconds as the instant it names', async () => {
    const id = `${company}-offset`;
    const event = usageEvent(id, { interval_end: '2026-12-01T10:00:00.123456+05:30' });
    await enqueue(queue, [event]);
    const [row] = await pollUntil(
      (): Promise<Array<{ at: string }>> =>
        db.query(
          `SELECT to_char(interval_end AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at FROM usage_ledger WHERE event_id = $1`,
          [event.event_id],
        ),
      (rows) => rows.length === 1,
    );
    expect(row.at).toBe('2026-12-01T04:30:00.123456');
  });

  it('fails a job of another name on the usage queue for good, without billing it', async () => {
    const id = `${company}-misnamed`;
    const event = usageEvent(id);
    await queue.add('not-usage', event, { jobId: `misnamed-${process.pid}`, attempts: 5, backoff: 100 });
    const failed = await pollUntil(
      () => queue.getFailed(),
      (jobs) => jobs.some((j) => j.name === 'not-usage'),
    );
    const job = failed.find((j) => j.name === 'not-usage')!;
    expect(job.failedReason).toMatch(/unknown job name/);
    expect(job.attemptsMade).toBe(1);
    expect(await balanceOf(db, id)).toBeUndefined();
  });
});
