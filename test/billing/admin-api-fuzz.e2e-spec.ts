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

interface Case {
  method: string;
  path: string;
  /** Raw request body (sent as JSON content type). */
  body?: string;
  status: number;
  message: RegExp;
}

const NUL = '\\u0000';
/** A cursor of this shape, as billing encodes them (base64url of a JSON array): valid or not. */
const cursor = (fields: unknown[]) => Buffer.from(JSON.stringify(fields)).toString('base64url');
const ITEMS_CURSOR = cursor([1, 'items', '2026-11-01T00:00:00.000000Z', '1']);
const DAY_CURSOR = cursor([1, 'day', '2026-11-01']);

/**
 * Table-driven: each bad parameter of each billing route, alone, must be a 4xx naming the problem (never
 * a 5xx), and nothing in the ledger may change. Billing here has no WEBHOOK_SIGNING_SECRET.
 */
describe('billing admin API under bad input', () => {
  let database: TestDatabase;
  let db: DataSource;
  let billing: TestBilling;
  const id = `fuzz-${process.pid}`;
  const company = `/v1/companies/${id}`;

  const badQueries: Array<[string, RegExp]> = [
    ['session_id=a%00b', /session_id must not contain control characters/],
    ['offset=1e20', /offset must be a whole number/],
    ['offset=9223372036854775807', /offset must be a whole number/],
    ['offset=-1', /offset must be a whole number/],
    ['offset=1.5', /offset must be a whole number/],
    ['offset=0x10', /offset must be a whole number/],
    ['limit=1e2', /limit must be a whole number/],
    ['limit=0', /limit must be a whole number/],
    ['limit=100000', /limit must be a whole number/],
    ['limit=1&limit=2', /limit must be a whole number/],
    ['from=2026-W48', /from must be a date/],
    ['from=2026-02-30', /from must be a date/],
    ['from=0000-01-01', /from must be a date/],
    ['from=2026-11-01T10:00:00', /from must be a date/], // no zone: ambiguous
    ['from=0001-01-01T00:30:00%2B01:00', /from must be a date.*years 1-9999 in UTC/], // year 0 in UTC
    ['from=9999-12-31T24:00:00Z', /from must be a date.*years 1-9999 in UTC/], // year 10000
    ['to=9999-12-31T23:30:00-01:00', /to must be a date.*years 1-9999 in UTC/], // year 10000 in UTC
    ['from=2026-11-01T10:00%2B16:00', /from must be a date/], // Date reads it, Postgres does not (over 15:59)
    ['to=2026-11-01T10:00-23:59', /to must be a date/],
    ['to=2026-13-01', /to must be a date/],
    ['to=yesterday', /to must be a date/],
    ['to=%00', /to must be a date/],
    ['group_by=company_id', /group_by must be one of user_id, session_id, model, day/],
    ['group_by=day%00', /group_by must be one of/],
    ['unknown=1', /property unknown should not exist/],
    // An empty filter is a mistake, not "no usage"; so is an empty or reversed period.
    ['session_id=', /session_id must not be empty/],
    ['group_by=', /group_by must be one of/],
    ['from=', /from must be a date/],
    ['from=2026-12-01&to=2026-11-01', /from must be before to/],
    ['from=2026-11-01&to=2026-11-01', /from must be before to/],
    ['from=2026-11-01T01:00:00%2B01:00&to=2026-11-01', /from must be before to/], // the same instant
    ['from=2026-11-30T23:59:59.9995Z&to=2026-11-30T23:59:59.9994Z', /from must be before to/],
    ['cursor=', /cursor must be a page.next_cursor/],
    ['cursor=not%20a%20cursor', /cursor must be a page.next_cursor/],
    ['cursor=a&cursor=b', /cursor must be a page.next_cursor/],
    [`cursor=${cursor([2, 'items', '2026-11-01T00:00:00.000000Z', '1'])}`, /cursor must be a page.next_cursor/],
    [`cursor=${cursor([1, 'items', '2026-11-01T00:00:00Z', '1'])}`, /cursor must be a page.next_cursor/],
    [`cursor=${cursor([1, 'items', '2026-02-30T00:00:00.000000Z', '1'])}`, /cursor must be a page.next_cursor/],
    [`cursor=${cursor([1, 'items', '2026-11-01T00:00:00.000000Z', '9223372036854775808'])}`, /cursor must be/],
    [`cursor=${cursor([1, 'user_id', 'a\u0000b'])}`, /cursor must be a page.next_cursor/],
    [`cursor=${cursor([1, 'company_id', 'x'])}`, /cursor must be a page.next_cursor/],
    [`cursor=${Buffer.from('{"by":').toString('base64url')}`, /cursor must be a page.next_cursor/],
    [
      `group_by=day&cursor=${ITEMS_CURSOR}`,
      /cursor was issued without group_by, but this request pages with group_by=day/,
    ],
    [`cursor=${DAY_CURSOR}`, /cursor was issued for group_by=day, but this request pages without group_by/],
    [`group_by=model&cursor=${DAY_CURSOR}`, /cursor was issued for group_by=day/],
    [`offset=4&cursor=${ITEMS_CURSOR}`, /pass cursor or offset, not both/],
  ];
  const cases: Case[] = [
    ...badQueries.map(([q, message]) => ({ method: 'GET', path: `${company}/usage?${q}`, status: 400, message })),
    ...badQueries
      .filter(([q]) => /^(from|to|unknown)/.test(q))
      .map(([q, message]) => ({ method: 'GET', path: `${company}/usage.csv?${q}`, status: 400, message })),
    { method: 'GET', path: `${company}/usage.csv?offset=1`, status: 400, message: /offset should not exist/ },
    { method: 'GET', path: `${company}/usage.csv?cursor=${ITEMS_CURSOR}`, status: 400, message: /cursor should not/ },
    {
      method: 'PUT',
      path: company,
      body: `{"name":"a${NUL}b"}`,
      status: 400,
      message: /name must not contain control/,
    },
    { method: 'PUT', path: company, body: `{"name":7}`, status: 400, message: /name must be a string/ },
    { method: 'PUT', path: company, body: `{"name":`, status: 400, message: /JSON/ },
    { method: 'PUT', path: company, body: `[1]`, status: 400, message: /./ },
    { method: 'PUT', path: `/v1/companies/a%00b`, body: `{}`, status: 400, message: /companyId must be/ },
    { method: 'GET', path: `/v1/companies/${'x'.repeat(129)}`, status: 400, message: /companyId must be/ },
    ...[
      `{"amount":1,"reference":"a${NUL}b"}`,
      `{"amount":"1${NUL}","reference":"r"}`,
      `{"amount":1e400,"reference":"r"}`,
      `{"amount":9223372036854775807,"reference":"r"}`,
      `{"amount":"9223372036854775807","reference":"r"}`,
      `{"amount":{"$gt":0},"reference":"r"}`,
      `{"amount":1,"reference":["r"]}`,
    ].map((body) => ({ method: 'POST', path: `${company}/credits`, body, status: 400, message: /amount|reference/ })),
    {
      method: 'PUT',
      path: `${company}/low-balance-alert`,
      body: `{"threshold_credits":1,"webhook_url":"https://example.com/hook"}`,
      status: 400,
      message: /WEBHOOK_SIGNING_SECRET is not configured/,
    },
    { method: 'GET', path: `${company}/low-balance-alert?x=1`, status: 404, message: /no low-balance alert/ },
    { method: 'DELETE', path: `${company}/low-balance-alert`, status: 404, message: /no low-balance alert/ },
    { method: 'GET', path: `/v1/companies/fuzz-nobody/usage?offset=5`, status: 404, message: /not found/ },
  ];

  /** Every row billing keeps, as text: compared before and after the fuzz. */
  const snapshot = async () =>
    JSON.stringify(
      await Promise.all(
        ['companies', 'usage_ledger', 'credit_top_ups', 'low_balance_alerts', 'low_balance_events'].map((t) =>
          db.query(`SELECT * FROM ${t} ORDER BY 1`),
        ),
      ),
    );

  beforeAll(async () => {
    database = await createTestDatabase('fuzz');
    db = await openDataSource(database.url);
    billing = await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: uniquePrefix('fuzz') });
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    await fetch(billing.url + company, { method: 'PUT', headers, body: '{"name":"Fuzz"}' });
    await fetch(`${billing.url}${company}/credits`, { method: 'POST', headers, body: '{"amount":5,"reference":"f1"}' });
  });

  afterAll(async () => {
    await billing?.close();
    await db?.destroy();
    await database?.drop();
    if (billing) await deleteBalanceKeys(billing.prefix, id);
  });

  it('answers every bad parameter with a 4xx that names it, and changes nothing', async () => {
    const before = await snapshot();
    const outcomes = [];
    for (const c of cases) {
      const res = await fetch(billing.url + c.path, {
        method: c.method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: c.body,
      });
      const body = await res.json().catch(() => ({}));
      outcomes.push({
        case: `${c.method} ${c.path} ${c.body ?? ''}`,
        status: res.status,
        message: [body.message].flat().join('; '),
      });
    }
    for (const [i, c] of cases.entries()) {
      expect(outcomes[i]).toEqual({
        case: outcomes[i].case,
        status: c.status,
        message: expect.stringMatching(c.message),
      });
    }
    expect(await snapshot()).toBe(before);
  });

  it('accepts instants at the edges of years 1 and 9999 in UTC, offsets included', async () => {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const period = 'from=0001-01-01T00:30:00-01:00&to=9999-12-31T23:30:00%2B01:00';
    const report = await fetch(`${billing.url}${company}/usage?${period}`, { headers });
    expect(report.status).toBe(200);
    expect(await report.json()).toMatchObject({ totals: { events: 0 }, items: [] });
    const csv = await fetch(`${billing.url}${company}/usage.csv?from=0001-01-01&to=9999-12-31T23:59:59.999Z`, {
      headers,
    });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toMatch(/^event_id,[a-z_,]+\r\n$/); // the header row: the company has no usage
  });
});
