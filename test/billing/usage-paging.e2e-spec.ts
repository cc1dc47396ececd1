import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  ADMIN_TOKEN,
  TestBilling,
  deleteBalanceKeys,
  openDataSource,
  startBilling,
  uniquePrefix,
} from './support/billing-harness';

interface Page {
  totals: { events: number };
  items?: Array<{ event_id: string }>;
  groups?: Array<{ key: string; events: number }>;
  page: { limit: number; offset: number; next_offset: number | null; next_cursor: string | null };
}

/**
 * Paging while events keep arriving. Usage is applied late with an earlier interval_end all the time (held
 * by a gateway during a Redis outage, a retried job): such a row lands among rows a client has already
 * paged past. Offset pages then repeat a row and never show the late one; cursor pages (keyset on the
 * sort key) never repeat or skip a row that was there when paging started.
 */
describe('usage paging with late events', () => {
  let database: TestDatabase;
  let db: DataSource;
  let billing: TestBilling;
  const co = (name: string) => `paging-${process.pid}-${name}`;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

  const get = async (company: string, query: string): Promise<Page> => {
    const res = await fetch(`${billing.url}/v1/companies/${company}/usage?${query}`, { headers: auth });
    const body = await res.json();
    expect({ query, status: res.status, body }).toMatchObject({ query, status: 200 });
    return body;
  };
  /** Usage rows as the ledger holds them once applied (ids grow in this order); event ids unique per company. */
  const apply = (company: string, rows: Array<{ event: string; end: string; user?: string }>) =>
    db.query(
      `INSERT INTO usage_ledger (event_id, company_id, user_id, session_id, connection_id, gateway_id, model, encoding,
         sample_rate, container, audio_bytes, characters, seconds, credits, credits_per_minute, interval_start,
         interval_end, final)
       SELECT r.event, $1, coalesce(r.user_id, 'u'), 's', 'c', 'g', 'aura-2-thalia-en', 'linear16', 16000, 'wav',
              32000, 1, 1, 0.016666666666666667, 1, timestamptz '2026-11-01', r.end_at, false
         FROM jsonb_to_recordset($2::jsonb) AS r(event text, end_at timestamptz, user_id text, ord int)
        ORDER BY r.ord`,
      [
        company,
        JSON.stringify(rows.map((r, ord) => ({ event: `${company}/${r.event}`, end_at: r.end, user_id: r.user, ord }))),
      ],
    );
  const ids = (page: Page) => page.items!.map((i) => i.event_id.split('/')[1]);

  beforeAll(async () => {
    database = await createTestDatabase('usagepaging');
    db = await openDataSource(database.url);
    billing = await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: uniquePrefix('usagepaging') });
  });

  afterAll(async () => {
    await billing?.close();
    await db?.destroy();
    await database?.drop();
    if (billing) await deleteBalanceKeys(billing.prefix, co(''));
  });

  /** e1..e10, e3-e5 a microsecond apart and e4, e5 on the same instant (the id breaks the tie). */
  const TEN = [
    { event: 'e1', end: '2026-11-05T10:00:01Z' },
    { event: 'e2', end: '2026-11-05T10:00:02Z' },
    { event: 'e3', end: '2026-11-05T10:00:03.000001Z' },
    { event: 'e4', end: '2026-11-05T10:00:03.000002Z' },
    { event: 'e5', end: '2026-11-05T10:00:03.000002Z' },
    { event: 'e6', end: '2026-11-05T10:00:06Z' },
    { event: 'e7', end: '2026-11-05T10:00:07Z' },
    { event: 'e8', end: '2026-11-05T10:00:08Z' },
    { event: 'e9', end: '2026-11-05T10:00:09Z' },
    { event: 'e10', end: '2026-11-05T10:00:10Z' },
  ];

  it('offset pages repeat a row and miss a late event (why cursor exists)', async () => {
    const id = co('offset');
    await fetch(`${billing.url}/v1/companies/${id}`, { method: 'PUT', headers: auth });
    await apply(id, TEN);
    const first = await get(id, 'limit=4');
    await apply(id, [{ event: 'late', end: '2026-11-05T10:00:00Z' }]); // before every row
    const second = await get(id, 'limit=4&offset=4');
    const third = await get(id, 'limit=4&offset=8');
    expect([...ids(first), ...ids(second), ...ids(third)]).toEqual([
      ...['e1', 'e2', 'e3', 'e4'],
      ...['e4', 'e5', 'e6', 'e7'], // e4 again
      ...['e8', 'e9', 'e10'], // and 'late' on no page
    ]);
  });

  it('cursor pages hold every row once, ties and microseconds included, while late events land', async () => {
    const id = co('cursor');
    await fetch(`${billing.url}/v1/companies/${id}`, { method: 'PUT', headers: auth });
    await apply(id, TEN);
    const first = await get(id, 'limit=4');
    expect(ids(first)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(first.page).toEqual({ limit: 4, offset: 0, next_offset: 4, next_cursor: expect.any(String) });
    expect(first.totals.events).toBe(10);

    // Two late events: one before the cursor, one after it.
    await apply(id, [
      { event: 'late-before', end: '2026-11-05T10:00:00Z' },
      { event: 'late-after', end: '2026-11-05T10:00:06.5Z' },
    ]);
    const second = await get(id, `limit=4&cursor=${first.page.next_cursor}`);
    expect(ids(second)).toEqual(['e5', 'e6', 'late-after', 'e7']);
    expect(second.page).toEqual({ limit: 4, offset: 0, next_offset: null, next_cursor: expect.any(String) });
    const third = await get(id, `limit=4&cursor=${second.page.next_cursor}`);
    expect(ids(third)).toEqual(['e8', 'e9', 'e10']);
    expect(third.page.next_cursor).toBeNull();

    // Every row that was there at the first page, once; totals are as of each answer, so the last page's
    // 12 events against the 11 paged tell the client that an event landed behind its cursor.
    const paged = [...ids(first), ...ids(second), ...ids(third)];
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged).toEqual(expect.arrayContaining(TEN.map((e) => e.event)));
    expect(third.totals.events).toBe(12);
    expect(paged).toHaveLength(11);

    // Paged again from the start, the pages add up to the totals.
    let page = await get(id, 'limit=5');
    const again = ids(page);
    while (page.page.next_cursor) {
      page = await get(id, `limit=5&cursor=${page.page.next_cursor}`);
      again.push(...ids(page));
    }
    expect(again).toHaveLength(page.totals.events);
    expect(again.slice(0, 2)).toEqual(['late-before', 'e1']);
  });

  it('pages groups by their last key: no group repeated when a group appears before the cursor', async () => {
    const id = co('groups');
    await fetch(`${billing.url}/v1/companies/${id}`, { method: 'PUT', headers: auth });
    await apply(
      id,
      ['u1', 'u2', 'u3', 'u4', 'u5'].map((user, i) => ({ event: `g${i}`, end: '2026-11-05T10:00:00Z', user })),
    );
    const first = await get(id, 'group_by=user_id&limit=2');
    expect(first.groups!.map((g) => g.key)).toEqual(['u1', 'u2']);
    await apply(id, [
      { event: 'g-late-0', end: '2026-11-05T09:00:00Z', user: 'u0' },
      { event: 'g-late-3', end: '2026-11-05T09:00:00Z', user: 'u3' },
    ]);
    const byOffset = await get(id, 'group_by=user_id&limit=2&offset=2');
    expect(byOffset.groups!.map((g) => g.key)).toEqual(['u2', 'u3']); // u2 again
    const second = await get(id, `group_by=user_id&limit=2&cursor=${first.page.next_cursor}`);
    expect(second.groups!.map((g) => [g.key, g.events])).toEqual([
      ['u3', 2],
      ['u4', 1],
    ]);
    const third = await get(id, `group_by=user_id&limit=2&cursor=${second.page.next_cursor}`);
    expect(third.groups!.map((g) => g.key)).toEqual(['u5']);
    expect(third.page.next_cursor).toBeNull();

    // Day groups page by their key too; a cursor only pages what it was issued for.
    const days = await get(id, 'group_by=day&limit=1');
    expect(days.groups!.map((g) => g.key)).toEqual(['2026-11-05']);
    expect(days.page.next_cursor).toBeNull();
    const wrong = await fetch(`${billing.url}/v1/companies/${id}/usage?cursor=${first.page.next_cursor}`, {
      headers: auth,
    });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).message).toBe(
      'cursor was issued for group_by=user_id, but this request pages without group_by',
    );
  });
});
