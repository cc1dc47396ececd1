import { gzipSync } from 'zlib';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_REDIS_URL, deleteNamespace } from '../support/gateway';
import { AppProcess, BILLING_ENTRY, ensureBuilt, startBillingProcess } from '../ops/app-process';

const NAMESPACE = `test-body-errors-${process.pid}`;
const ADMIN_TOKEN = `admin-${process.pid}-b0d1e5e77e5`;

/**
 * Bodies the parser refuses, from anyone, before any guard: each a 4xx naming the problem, and none
 * logged at error level (a stranger must not be able to fill the billing team's error log).
 */
describe('billing admin API: request bodies the parser refuses', () => {
  let database: TestDatabase;
  let billing: AppProcess;

  beforeAll(async () => {
    await ensureBuilt([BILLING_ENTRY]);
    database = await createTestDatabase('body_errors');
    billing = await startBillingProcess({
      REDIS_URL: TEST_REDIS_URL,
      BULLMQ_PREFIX: NAMESPACE,
      DATABASE_URL: database.url,
      BILLING_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'info',
    });
  }, 60_000);
  afterAll(async () => {
    await billing?.stop();
    await database?.drop();
    await deleteNamespace(NAMESPACE);
  });

  const json = { 'content-type': 'application/json' };
  const cases: Array<[string, Record<string, string>, string | Uint8Array<ArrayBuffer>, number, RegExp]> = [
    ['a body over the size limit', json, `{"name":"${'a'.repeat(200_000)}"}`, 413, /too large/],
    ['JSON cut short', json, '{"name":', 400, /JSON/],
    ['a gzip header on a body that is not gzip', { ...json, 'content-encoding': 'gzip' }, '{}', 400, /header/],
    ['an encoding the parser does not know', { ...json, 'content-encoding': 'br2' }, '{}', 415, /encoding/],
    [
      'a charset the parser does not know',
      { 'content-type': 'application/json; charset=klingon' },
      '{}',
      415,
      /charset/,
    ],
    [
      'a gzip body that inflates past the limit',
      { ...json, 'content-encoding': 'gzip' },
      new Uint8Array(gzipSync(`{"name":"${'b'.repeat(300_000)}"}`)),
      413,
      /too large/,
    ],
  ];

  it.each(cases)(
    'answers %s with a 4xx naming it, signed in or not, and logs no error',
    async (_name, headers, body, status, message) => {
      for (const auth of [{}, { authorization: `Bearer ${ADMIN_TOKEN}` }] as Record<string, string>[]) {
        const res = await fetch(`${billing.baseUrl}/v1/companies/body-errors`, {
          method: 'PUT',
          headers: { ...headers, ...auth },
          body,
        });
        expect(res.status).toBe(status);
        expect((await res.json()).message).toMatch(message);
      }
      const errors = billing.logs.filter((l) => typeof l.level === 'number' && l.level >= 50);
      expect(errors).toEqual([]);
    },
  );
});
