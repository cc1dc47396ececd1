import { Browser, Page } from 'playwright-core';
import { BrowserStack, startBrowserStack } from './support/browser-stack';
import { launchChromium } from './support/chromium';
import { waitForText } from './support/page-text';

// What the playground needs from a Content-Security-Policy: its own files, its own WebSocket, and blob: scripts
// (the SDK player loads its AudioWorklet from a Blob URL). No inline script or style.
export const PLAYGROUND_CSP =
  "default-src 'self'; script-src 'self' blob:; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'";

describe('demo page under a strict Content-Security-Policy', () => {
  let stack: BrowserStack;
  let browser: Browser;
  let page: Page;
  const violations: string[] = [];

  beforeAll(async () => {
    // The page's document is re-served here with the policy; Chromium's local-network checks would treat
    // such an intercepted document as public and refuse its WebSocket to 127.0.0.1.
    [stack, browser] = await Promise.all([
      startBrowserStack('browser-demo-csp'),
      launchChromium(['--disable-features=LocalNetworkAccessChecks']),
    ]);
    page = await browser.newPage();
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
    await page.route(`${stack.origin}/?*`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': PLAYGROUND_CSP } });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('runs, speaks and plays without one violation', async () => {
    const company = await stack.company('csp');
    await page.goto(`${stack.origin}/?${new URLSearchParams({ company_id: company, user_id: 'u' })}`);
    const policy = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    expect(policy).toBe(PLAYGROUND_CSP);
    await waitForText(page.getByLabel('Connection'), /^connected$/);
    await page.getByRole('button', { name: 'Speak' }).click();
    await waitForText(page.getByLabel('State', { exact: true }), /^done$/);
    expect(await page.getByLabel('Time to first audio').textContent()).toMatch(/^\d+ ms$/);
    expect(violations).toEqual([]);
  });
});
