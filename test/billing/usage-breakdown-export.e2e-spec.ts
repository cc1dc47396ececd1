import { Queue } from 'bullmq';
import { get, IncomingMessage } from 'http';
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
import { divRound, parseUnits, toReportedNumber } from '@tts/protocol';

const BIG = 100_000;

interface Sums {
  audio_bytes: number;
  seconds: number;
  minutes: number;
  credits: number;
  events: number;
  exact: { seconds: string; minutes: string; credits: string };
}

/**
 * Exact: events and bytes as integers, seconds and credits as the decimal text summed in 10^-18 units.
 * Minutes are seconds / 60 at 18 decimals, so they are checked as derived from the exact seconds.
 */
function expectGroupsToAddUp(groups: Sums[], totals: Sums): void {
  const units = (f: 'seconds' | 'credits') => groups.reduce((n, g) => n + parseUnits(g.exact[f]), 0n);
  expect(groups.reduce((n, g) => n + g.events, 0)).toBe(totals.events);
  expect(groups.reduce((n, g) => n + g.audio_bytes, 0)).toBe(totals.audio_bytes);
  expect(units('seconds')).toBe(parseUnits(totals.exact.seconds));
  expect(units('credits')).toBe(parseUnits(totals.exact.credits));
  expect(parseUnits(totals.exact.minutes)).toBe(divRound(units('seconds'), 60n));
  for (const g of groups) expect(parseUnits(g.exact.minutes)).toBe(divRound(parseUnits(g.exact.seconds), 60n));
}

describe('usage broken down and exported as CSV', () => {
  let database: TestDatabase;
  let db: DataSource;
  let billing: TestBilling;
  let queue: Queue;
  const co = (name: string) => `usage-${process.pid}-${name}`;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const getJson = async (path: string) => {
    const res = await fetch(billing.url + path, { headers: auth });
    return { status: res.status, body: await res.json() };
  };
  const exportedRows = async () => {
    const text = await (await fetch(`${billing.url}/metrics`)).text();
    return Number(/billing_usage_export_rows_total (\d+)/.exec(text)![1]);
  };

  beforeAll(async () => {
    database = await createTestDatabase('usagebd');
    db = await openDataSource(database.url);
    const prefix = uniquePrefix('usagebd');
    queue = usageQueue(prefix);
    billing = await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: prefix });
  });

  afterAll(async () => {
    await billing?.close();
    await destroyQueue(queue);
    await db?.destroy();
    await database?.drop();
    if (billing) await deleteBalanceKeys(billing.prefix, co(''));
  });

  it('breaks the totals down by user, session, model and UTC day; the groups add up to the plain totals', async () => {
    const id = co('groups');
    await fetch(`${billing.url}/v1/companies/${id}`, { method: 'PUT', headers: auth });
    // 36 events over 3 users, 4 sessions, 2 models and 3 UTC days (one at 23:59:59.5 and one at 00:00 of the next).
    const days = ['2026-11-01T23:59:59.500Z', '2026-11-02T00:00:00.000Z', '2026-11-03T12:00:00.000Z'];
    const events = Array.from({ length: 36 }, (_, i) =>
      usageEvent(id, {
        user_id: `u${i % 3}`,
        session_id: `s${i % 4}`,
        model: i % 2 ? 'aura-2-thalia-en' : 'aura-2-zeus-en',
        audio_bytes: 16000 * 2 * (i + 1), // i+1 seconds of linear16 16 kHz
        interval_end: days[i % 3],
      }),
    );
    await enqueue(queue, events);
    await pollUntil(
      () => getJson(`/v1/companies/${id}/usage`),
      (r) => r.body.totals.events === 36,
    );
    const plain: Sums = (await getJson(`/v1/companies/${id}/usage`)).body.totals;
    expect(plain).toMatchObject({
      events: 36,
      audio_bytes: 666 * 32000,
      seconds: 666,
      minutes: 11.1,
      exact: { seconds: '666', minutes: '11.1' },
    });
    // The JSON numbers are the exact sums rounded once to 6 decimals.
    for (const f of ['seconds', 'minutes', 'credits'] as const) expect(plain[f]).toBe(toReportedNumber(plain.exact[f]));

    for (const [group, keys] of [
      ['user_id', ['u0', 'u1', 'u2']],
      ['session_id', ['s0', 's1', 's2', 's3']],
      ['model', ['aura-2-thalia-en', 'aura-2-zeus-en']],
      ['day', ['2026-11-01', '2026-11-02', '2026-11-03']],
    ] as const) {
      const { status, body } = await getJson(`/v1/companies/${id}/usage?group_by=${group}`);
      expect(status).toBe(200);
      expect(body.totals).toEqual(plain);
      expect(body.groups.map((g: { key: string }) => g.key)).toEqual(keys);
      expectGroupsToAddUp(body.groups, plain);
    }
    // Paged groups and the period filter apply to the breakdown too.
    const first = await getJson(`/v1/companies/${id}/usage?group_by=session_id&limit=3`);
    expect(first.body.page).toEqual({ limit: 3, offset: 0, next_offset: 3, next_cursor: expect.any(String) });
    const rest = await getJson(`/v1/companies/${id}/usage?group_by=session_id&limit=3&offset=3`);
    expect(rest.body.groups.map((g: { key: string }) => g.key)).toEqual(['s3']);
    expect(rest.body.page.next_offset).toBeNull();
    const lastDay = await getJson(`/v1/companies/${id}/usage?group_by=day&from=2026-11-03`);
    expect(lastDay.body.groups).toHaveLength(1);
    expect(lastDay.body.totals.events).toBe(12);
  });

  it('honours sub-millisecond bounds: from is inclusive and to exclusive to the microsecond, in the report and the CSV', async () => {
    const id = co('micro');
    await fetch(`${billing.url}/v1/companies/${id}`, { method: 'PUT', headers: auth });
    const ends = ['2026-11-30T23:59:59.999Z', '2026-11-30T23:59:59.9995Z', '2026-12-01T00:00:00.000Z'];
    await enqueue(
      queue,
      ends.map((interval_end) => usageEvent(id, { interval_end })),
    );
    await pollUntil(
      () => getJson(`/v1/companies/${id}/usage`),
      (r) => r.body.totals.events === 3,
    );
    const events = async (query: string) => (await getJson(`/v1/companies/${id}/usage?${query}`)).body.totals.events;
    expect(await events('from=2026-11-30T23:59:59.9995Z')).toBe(2); // not the .999 one, before the bound
    expect(await events('from=2026-11-30T23:59:59.999001Z')).toBe(2);
    expect(await events('to=2026-11-30T23:59:59.9995Z')).toBe(1); // the .999 one only
    expect(await events('from=2026-11-30T23:59:59.9995Z&to=2026-12-01')).toBe(1);
    const csv = await (
      await fetch(`${billing.url}/v1/companies/${id}/usage.csv?to=2026-11-30T23:59:59.9995Z`, { headers: auth })
    ).text();
    expect(csv.trim().split('\r\n')).toHaveLength(2); // the header and the .999 event
  });

  it('exports CSV with a header, RFC 4180 quoting, exact decimals and a filename', async () => {
    const id = co('csv');
    await fetch(`${billing.url}/v1/companies/${id}`, { method: 'PUT', headers: auth });
    await db.query(
      `INSERT INTO usage_ledger (event_id, company_id, user_id, session_id, connection_id, gateway_id, model, encoding,
         sample_rate, container, audio_bytes, characters, seconds, credits, credits_per_minute, interval_start,
         interval_end, final)
       VALUES ('e:1', $1, $2, 's,1', 'c', 'g', 'aura-2-thalia-en', 'linear16', 16000, 'wav', 32000, 5,
               1, 0.016666666666666667, 1, '2026-11-05T10:00:00Z', '2026-11-05T10:00:01.250Z', false)`,
      [id, 'say "hi",\nthen go'],
    );
    const res = await fetch(`${billing.url}/v1/companies/${id}/usage.csv?from=2026-11-01&to=2026-12-01`, {
      headers: auth,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="usage-${id}-2026-11-01_2026-12-01.csv"`);
    expect(await res.text()).toBe(
      'event_id,user_id,session_id,model,encoding,sample_rate,audio_bytes,seconds,credits,interval_start,interval_end\r\n' +
        'e:1,"say ""hi"",\nthen go","s,1",aura-2-thalia-en,linear16,16000,32000,1,0.016666666666666667,' +
        '2026-11-05T10:00:00.000Z,2026-11-05T10:00:01.250Z\r\n',
    );
    const empty = await fetch(`${billing.url}/v1/companies/${id}/usage.csv?from=2027-01-01`, { headers: auth });
    expect(await empty.text()).toBe(
      'event_id,user_id,session_id,model,encoding,sample_rate,audio_bytes,seconds,credits,interval_start,interval_end\r\n',
    );
    expect((await fetch(`${billing.url}/v1/companies/${co('nobody')}/usage.csv`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${billing.url}/v1/companies/${id}/usage.csv?from=2026-W48`, { headers: auth })).status).toBe(
      400,
    );
  });

  it(`streams ${BIG.toLocaleString('en')} events: a client that stops reading stops the cursor, then gets every row`, async () => {
    const id = co('big');
    await fetch(`${billing.url}/v1/companies/${id}`, { method: 'PUT', headers: auth });
    await db.query(
      `INSERT INTO usage_ledger (event_id, company_id, user_id, session_id, connection_id, gateway_id, model, encoding,
         sample_rate, container, audio_bytes, characters, seconds, credits, credits_per_minute, interval_start,
         interval_end, final)
       SELECT 'big-' || n, $1, 'user-' || (n % 50), 'session-' || (n % 1000), 'c', 'g', 'aura-2-thalia-en',
              'linear16', 16000, 'wav', 32000, 10, 1, 0.016666666666666667, 1,
              timestamptz '2026-11-01' + n * interval '1 second',
              timestamptz '2026-11-01' + (n + 1) * interval '1 second', false
         FROM generate_series(1, $2::int) AS n`,
      [id, BIG],
    );
    const before = await exportedRows();
    const res = await new Promise<IncomingMessage>((resolve) =>
      get(`${billing.url}/v1/companies/${id}/usage.csv`, { headers: auth }, resolve),
    );
    expect(res.statusCode).toBe(200);
    // Read one chunk, then stop reading: the server must stop pulling rows from Postgres.
    const firstChunk: Buffer = await new Promise((resolve) =>
      res.once('data', (chunk: Buffer) => {
        res.pause(); // at once: a chunk emitted with no listener would be lost
        resolve(chunk);
      }),
    );
    let pulled = await exportedRows();
    for (let settled = 0; settled < 5;) {
      await new Promise((r) => setTimeout(r, 200));
      const now = await exportedRows();
      settled = now === pulled ? settled + 1 : 0;
      pulled = now;
    }
    // Socket buffers hold a few MB of CSV at most; the cursor has not run through the export.
    expect(pulled - before).toBeLessThan(BIG / 2);

    // No field of this data set holds a line break: each LF ends one record.
    const newlines = (b: Buffer) => b.reduce((n, byte) => (byte === 0x0a ? n + 1 : n), 0);
    let lines = newlines(firstChunk);
    res.on('data', (chunk: Buffer) => (lines += newlines(chunk)));
    res.resume();
    await new Promise((resolve) => res.on('end', resolve));
    expect(firstChunk.toString()).toMatch(/^event_id,user_id,.*\r\nbig-1,user-1,session-1,/);
    expect(lines).toBe(BIG + 1);
    expect((await exportedRows()) - before).toBe(BIG);
  }, 120_000);
});
