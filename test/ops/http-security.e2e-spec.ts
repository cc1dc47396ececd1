import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Browser, ConsoleMessage } from 'playwright-core';
import { launchChromium } from '../browser/support/chromium';
import { createTestDatabase, TestDatabase } from '../support/database';
import { RunningEmulator, startTestEmulator } from '../support/emulator';
import { TestGateway, deleteNamespace, startGateway } from '../support/gateway';
import {
  ADMIN_TOKEN,
  TestBilling,
  destroyQueue,
  startBilling,
  uniquePrefix,
  usageQueue,
} from '../billing/support/billing-harness';

const EVIL = 'https://evil.example';
const BASIC = `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`;

/** Headers every response of both services carries, whatever the route or status. */
function expectSecurityHeaders(headers: Headers): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(headers.get('x-powered-by')).toBeNull();
}

/** Console lines in which Chromium reports a blocked resource or script. */
const cspViolations = (messages: ConsoleMessage[]) =>
  messages.map((m) => m.text()).filter((t) => /Content Security Policy|Refused to/i.test(t) && !/fonts\./.test(t));

/** The billing's public origin behind a proxy that rewrites Host (BILLING_ADMIN_ORIGINS). */
const PUBLIC_ORIGIN = 'https://billing.example.com';

describe('HTTP security: headers on every response, admin UIs safe from cross-site requests', () => {
  let database: TestDatabase;
  let billing: TestBilling;
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  let queue: Queue;
  let browser: Browser;
  const prefix = uniquePrefix('http-security');

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createTestDatabase('http_security');
    billing = await startBilling({
      DATABASE_URL: database.url,
      BULLMQ_PREFIX: prefix,
      BILLING_ADMIN_ORIGINS: PUBLIC_ORIGIN,
    });
    queue = usageQueue(prefix);
    emulator = await startTestEmulator();
    gateway = await startGateway({ DEEPGRAM_URL: emulator.url, DEMO_PAGE: 'true', BULLMQ_PREFIX: prefix });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await emulator?.close();
    await billing?.close();
    await destroyQueue(queue);
    await database?.drop();
    await deleteNamespace(prefix);
  });

  it('sends the security headers on every route of gateway and billing, errors included', async () => {
    const gw = `http://127.0.0.1:${gateway.port}`;
    for (const url of [`${gw}/`, `${gw}/health/live`, `${gw}/metrics`, `${gw}/nope`]) {
      expectSecurityHeaders((await fetch(url)).headers);
    }
    for (const path of ['/health/live', '/metrics', '/v1/companies/x', '/v1/companies/x?offset=zz', '/docs', '/nope']) {
      expectSecurityHeaders((await fetch(`${billing.url}${path}`, { headers: { authorization: BASIC } })).headers);
    }
    // Only the demo page may load a worklet from a blob: URL; no page runs inline script.
    const demoCsp = (await fetch(`${gw}/`)).headers.get('content-security-policy');
    expect(demoCsp).toMatch(/script-src 'self' blob:;/);
    expect(demoCsp).not.toContain('unsafe-inline');
    expect((await fetch(`${gw}/health/live`)).headers.get('content-security-policy')).toMatch(/script-src 'self';/);
  });

  describe('Bull Board and the docs UI refuse state changes requested from another site', () => {
    const addJob = (headers: Record<string, string>, body: string) =>
      fetch(`${billing.url}/admin/queues/api/queues/tts-usage/add`, {
        method: 'POST',
        headers: { authorization: BASIC, ...headers },
        body,
      });
    const jobs = async () => Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0);

    it.each([
      ['a text/plain POST from another Origin', { origin: EVIL, 'content-type': 'text/plain' }],
      ['a form POST from another Origin', { origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' }],
      ['a JSON POST from another Origin', { origin: EVIL, 'content-type': 'application/json' }],
      ['a POST with Origin null (sandboxed frame)', { origin: 'null', 'content-type': 'text/plain' }],
      ['a POST with only a foreign Referer', { referer: `${EVIL}/page`, 'content-type': 'text/plain' }],
    ])('refuses %s with 403 and queues nothing', async (_, headers) => {
      const before = await jobs();
      const res = await addJob(headers, JSON.stringify({ name: 'usage', data: {} }));
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ message: expect.stringContaining('cross-site') });
      expect(await jobs()).toBe(before);
    });

    it('refuses a cross-site POST to the docs UI too', async () => {
      const res = await fetch(`${billing.url}/docs`, {
        method: 'POST',
        headers: { authorization: BASIC, origin: EVIL, 'content-type': 'text/plain' },
      });
      expect(res.status).toBe(403);
    });

    it('accepts the same request from its own origin (the dashboard itself)', async () => {
      const before = await jobs();
      const res = await addJob(
        { origin: billing.url, 'content-type': 'application/json' },
        JSON.stringify({ name: 'probe', data: {}, options: {} }),
      );
      expect(res.status).toBeLessThan(300);
      expect(await jobs()).toBe(before + 1);
      await queue.obliterate({ force: true });
    });

    it('behind a proxy that rewrote Host, accepts its public origin from BILLING_ADMIN_ORIGINS, not a forwarded host', async () => {
      const job = JSON.stringify({ name: 'probe', data: {}, options: {} });
      const spoofed = await addJob(
        { origin: EVIL, 'x-forwarded-host': new URL(EVIL).host, 'content-type': 'application/json' },
        job,
      );
      expect(spoofed.status).toBe(403);
      const before = await jobs();
      const res = await addJob({ origin: PUBLIC_ORIGIN, 'content-type': 'application/json' }, job);
      expect(res.status).toBeLessThan(300);
      expect(await jobs()).toBe(before + 1);
      await queue.obliterate({ force: true });
    });
  });

  it('Swagger UI and Bull Board still render in Chromium under their policies', async () => {
    const context = await browser.newContext({ httpCredentials: { username: 'admin', password: ADMIN_TOKEN } });
    try {
      const page = await context.newPage();
      const messages: ConsoleMessage[] = [];
      page.on('console', (m) => messages.push(m));

      await page.goto(`${billing.url}/docs`);
      await page.getByText('Billing admin API').first().waitFor({ timeout: 15_000 });
      await page.goto(`${billing.url}/admin/queues`);
      await page.getByText('tts-usage').first().waitFor({ timeout: 15_000 });
      expect(cspViolations(messages)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the demo page runs its inline script under its policy in Chromium', async () => {
    const page = await browser.newPage();
    const messages: ConsoleMessage[] = [];
    page.on('console', (m) => messages.push(m));
    try {
      const query = new URLSearchParams({ company_id: 'csp-demo', user_id: 'u' });
      await page.goto(`http://127.0.0.1:${gateway.port}/?${query}`);
      // The module script ran: it filled the voice list from the protocol library.
      await page.getByLabel('Voice').locator('option').first().waitFor({ state: 'attached', timeout: 15_000 });
      expect(cspViolations(messages)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
