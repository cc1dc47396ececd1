import { Queue } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  ADMIN_TOKEN,
  TestBilling,
  destroyQueue,
  openDataSource,
  startBilling,
  uniquePrefix,
  usageQueue,
} from './support/billing-harness';
import { EXPORT_UNAVAILABLE } from '../../apps/billing/src/usage/usage.controller';

/** A database that cannot start a CSV export: the client gets a 503 it can read, never a silent hang-up. */
describe('usage CSV export when the database fails before the first byte', () => {
  let database: TestDatabase;
  let db: DataSource;
  let billing: TestBilling;
  let queue: Queue;
  const id = `exporterr-${process.pid}`;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  /** ALTER DATABASE on the test database, from another one (Postgres refuses it from inside). */
  const allowConnections = async (allow: boolean) => {
    const url = new URL(database.url);
    url.pathname = '/postgres';
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS ${allow}`);
    } finally {
      await admin.end();
    }
  };
  const exportCsv = () => fetch(`${billing.url}/v1/companies/${id}/usage.csv`, { headers: auth });

  const expectUnavailable = async (res: Response) => {
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toBeNull();
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ statusCode: 503, message: EXPORT_UNAVAILABLE, error: 'Service Unavailable' });
    expect(text).not.toMatch(/usage_ledger|SELECT|\.ts:|database "/);
  };

  beforeAll(async () => {
    database = await createTestDatabase('exporterr');
    db = await openDataSource(database.url);
    const prefix = uniquePrefix('exporterr');
    queue = usageQueue(prefix);
    billing = await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: prefix });
    await db.query(`INSERT INTO companies (company_id) VALUES ($1)`, [id]);
  });

  afterAll(async () => {
    if (database) await allowConnections(true).catch(() => undefined);
    await billing?.close();
    await destroyQueue(queue);
    await db?.destroy();
    await database?.drop();
  });

  // First, while the export pool holds no connection yet.
  it('answers 503 when the export cannot connect', async () => {
    // The JSON routes keep their open connections; new ones are refused.
    expect((await fetch(`${billing.url}/v1/companies/${id}/usage`, { headers: auth })).status).toBe(200);
    await allowConnections(false);
    try {
      await expectUnavailable(await exportCsv());
    } finally {
      await allowConnections(true);
    }
    expect((await exportCsv()).status).toBe(200);
  });

  it('answers 503 when the export query fails, and exports again once the table is back', async () => {
    await db.query(`ALTER TABLE usage_ledger RENAME TO usage_ledger_away`);
    try {
      await expectUnavailable(await exportCsv());
    } finally {
      await db.query(`ALTER TABLE usage_ledger_away RENAME TO usage_ledger`);
    }
    const res = await exportCsv();
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^event_id,user_id,/);
  });
});
