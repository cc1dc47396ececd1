import { createTestDatabase, TestDatabase } from '../support/database';
import { isDefined, pollUntil } from '../support/poll';
import { AppProcess, BILLING_ENTRY, ensureBuilt, freePort, startApp } from '../ops/app-process';

/**
 * Billing started while Redis is unreachable keeps its log parseable: every Redis connection error,
 * the queues' included, is a JSON line at warn level, never a raw line on stderr.
 */
describe('billing with Redis unreachable', () => {
  let database: TestDatabase;
  let billing: AppProcess;

  beforeAll(async () => {
    await ensureBuilt([BILLING_ENTRY]);
    database = await createTestDatabase('redis_down_logs');
    const nobody = await freePort(); // nothing listens there
    billing = await startApp(
      'billing',
      BILLING_ENTRY,
      'BILLING_PORT',
      {
        REDIS_URL: `redis://127.0.0.1:${nobody}`,
        BULLMQ_PREFIX: `test-redis-down-logs-${process.pid}`,
        DATABASE_URL: database.url,
        BILLING_ADMIN_TOKEN: `admin-${process.pid}-0123456789abcdef`,
      },
      20_000,
      '/health/live', // never ready without Redis
    );
  }, 60_000);
  afterAll(async () => {
    await billing?.stop();
    await database?.drop();
  });

  it("logs both queues' connection errors as JSON warnings and prints no raw error lines", async () => {
    const queues = await pollUntil(
      () => {
        const named = new Set(
          billing.logs.filter((l) => l.msg === 'queue connection error' && l.level === 40).map((l) => l.queue),
        );
        return named.size === 2 ? [...named].sort() : undefined;
      },
      isDefined,
      15_000,
      'a connection error from each queue',
    );
    expect(queues).toEqual(['tts-low-balance-webhooks', 'tts-usage']);
    const raw = billing.logs.filter((l) => 'raw' in l && /error/i.test(String(l.raw)));
    expect(raw).toEqual([]);
  });
});
