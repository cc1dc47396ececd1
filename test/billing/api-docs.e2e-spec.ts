import { Browser } from 'playwright-core';
import { launchChromium } from '../browser/support/chromium';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ADMIN_TOKEN, TestBilling, deleteBalanceKeys, startBilling, uniquePrefix } from './support/billing-harness';

interface OpenApi {
  paths: Record<string, Record<string, { summary?: string; responses: Record<string, { content?: unknown }> }>>;
}

describe('billing OpenAPI and its Swagger UI', () => {
  let database: TestDatabase;
  let billing: TestBilling;
  let browser: Browser | undefined;
  const id = `docs-${process.pid}`;

  beforeAll(async () => {
    // The browser starts beside the services, outside the test's own time (its first start on a fresh
    // clone also unpacks it).
    const launched = launchChromium().then((b) => (browser = b));
    database = await createTestDatabase('docs');
    billing = await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: uniquePrefix('docs') });
    await launched;
    await fetch(`${billing.url}/v1/companies/${id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Docs Co' }),
    });
  });

  afterAll(async () => {
    await browser?.close();
    await billing?.close();
    await database?.drop();
    if (billing) await deleteBalanceKeys(billing.prefix, id);
  });

  it('documents every admin route with a summary, a success schema and error examples', async () => {
    const res = await fetch(`${billing.url}/docs-json`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const spec = (await res.json()) as OpenApi;
    const routes = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ route: `${method} ${path}`, op })),
      );
    expect(routes.map((r) => r.route).sort()).toEqual([
      'delete /v1/companies/{companyId}/low-balance-alert',
      'get /v1/companies/{companyId}',
      'get /v1/companies/{companyId}/low-balance-alert',
      'get /v1/companies/{companyId}/usage',
      'get /v1/companies/{companyId}/usage.csv',
      'post /v1/companies/{companyId}/credits',
      'put /v1/companies/{companyId}',
      'put /v1/companies/{companyId}/low-balance-alert',
    ]);
    for (const { route, op } of routes) {
      expect([route, typeof op.summary]).toEqual([route, 'string']);
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect([route, success.length > 0]).toEqual([route, true]);
      if (!route.startsWith('delete'))
        expect([route, op.responses[success[0]].content]).toEqual([route, expect.anything()]);
      for (const status of ['400', '401']) {
        expect([route, status, JSON.stringify(op.responses[status]?.content)]).toEqual([
          route,
          status,
          expect.stringContaining('"example"'),
        ]);
      }
    }
    expect(JSON.stringify(spec)).not.toMatch(/A a /);
  });

  it('"Try it out" answers 200 in Chromium once logged in with Basic, without pasting the token', async () => {
    const context = await browser!.newContext({ httpCredentials: { username: 'admin', password: ADMIN_TOKEN } });
    const page = await context.newPage();
    // A step that hangs fails naming itself, well inside the test's time.
    page.setDefaultTimeout(10_000);
    await page.goto(`${billing.url}/docs`);
    // The page authorizes itself with the login's token: the Authorize button shows a closed lock.
    await page.locator('.auth-wrapper .btn.authorize.locked').waitFor();
    const operation = page.locator('.opblock-get', { hasText: '/v1/companies/{companyId}' }).filter({
      hasText: 'A company and its balance',
    });
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.locator('input[placeholder="companyId"]').fill(id);
    const answered = page.waitForResponse((r) => r.url().endsWith(`/v1/companies/${id}`));
    await operation.getByRole('button', { name: 'Execute' }).click();
    const response = await answered;
    expect(response.status()).toBe(200);
    expect(await response.json()).toMatchObject({ company_id: id, name: 'Docs Co', balance_credits: 0 });
    // What the user sees: the live response's status in the UI (the JSON API takes Bearer only, never Basic).
    const shown = operation.locator('.live-responses-table tr.response .response-col_status').first();
    await shown.waitFor();
    expect((await shown.textContent())?.trim()).toBe('200');
    await context.close();
  });
});
