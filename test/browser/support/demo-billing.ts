import { TestDatabase, createTestDatabase } from '../../support/database';
import {
  ADMIN_TOKEN,
  TestBilling,
  deleteBalanceKeys,
  startBilling,
  uniquePrefix,
} from '../../billing/support/billing-harness';

export interface DemoBilling {
  billing: TestBilling;
  /** BULLMQ_PREFIX the gateway must share with billing. */
  prefix: string;
  /** Creates the company with `credits` through the admin API; billing caches its balance for the gateway. */
  fund(companyId: string, credits: number): Promise<void>;
  close(): Promise<void>;
}

/** The real billing worker on its own database and queue, so usage from the page really lowers the balance. */
export async function startDemoBilling(
  label: string,
  companyPrefix: string,
  creditsPerMinute: string,
): Promise<DemoBilling> {
  const database: TestDatabase = await createTestDatabase(label);
  const prefix = uniquePrefix(label);
  const billing = await startBilling({
    DATABASE_URL: database.url,
    BULLMQ_PREFIX: prefix,
    CREDITS_PER_MINUTE: creditsPerMinute,
  });
  const admin = (method: string, path: string, body: unknown) =>
    fetch(billing.url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => {
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
    });
  return {
    billing,
    prefix,
    async fund(companyId, credits) {
      await admin('PUT', `/v1/companies/${companyId}`, {});
      if (credits !== 0) {
        await admin('POST', `/v1/companies/${companyId}/credits`, { amount: credits, reference: `${companyId}-fund` });
      }
    },
    async close() {
      await billing.close();
      await deleteBalanceKeys(prefix, companyPrefix);
      await database.drop();
    },
  };
}
