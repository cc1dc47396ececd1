/**
 * A frontend developer's page on its own dev server (another origin) imports the SDK bundle straight
 * from the gateway and plays speech: the bundle is a public CORS asset with a short-cached convenient URL
 * and a content-versioned immutable one.
 */
import { Browser } from 'playwright-core';
import { testAuthEnv, tokenFor } from '../support/tokens';
import { BrowserStack, startBrowserStack } from './support/browser-stack';
import { launchChromium } from './support/chromium';
import { expectWholeUtterance, playOnce } from './support/play-once';
import { StaticSite, startStaticSite } from './support/static-site';

const TEXT = 'Hello from another origin.';

describe('SDK bundle loaded cross-origin', () => {
  let stack: BrowserStack;
  let browser: Browser;
  let site: StaticSite;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startBrowserStack('browser-cors', testAuthEnv), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await stack?.close();
  });

  it('serves the bundle to any origin, short-cached, naming its immutable versioned URL', async () => {
    const res = await fetch(`${stack.origin}/client/tts-client.js`, { headers: { origin: 'http://localhost:5173' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const script = await res.text();
    const versioned = /^<(\/client\/[0-9a-f]{16}\/tts-client\.js)>; rel="canonical"$/.exec(
      res.headers.get('link')!,
    )![1];

    const pinned = await fetch(`${stack.origin}${versioned}`);
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('access-control-allow-origin')).toBe('*');
    expect(pinned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await pinned.text()).toBe(script);

    const map = await fetch(`${stack.origin}${versioned}.map`);
    expect(map.status).toBe(200);
    expect(map.headers.get('access-control-allow-origin')).toBe('*');
    expect((await map.json()) as { sources: string[] }).toHaveProperty('sources');

    // An immutable URL never serves other content: a version this gateway does not hold is a 404.
    expect((await fetch(`${stack.origin}/client/0000000000000000/tts-client.js`)).status).toBe(404);
  });

  it.each(['convenient', 'versioned'])(
    'plays audio on a page from another origin importing the %s URL',
    async (kind) => {
      const convenient = `${stack.origin}/client/tts-client.js`;
      const url =
        kind === 'convenient'
          ? convenient
          : `${stack.origin}${/<([^>]+)>/.exec((await fetch(convenient)).headers.get('link')!)![1]}`;
      site = await startStaticSite({
        '/': `<!doctype html><meta charset="utf-8"><title>my app</title>
<script type="module">import * as sdk from ${JSON.stringify(url)}; window.sdk = sdk;</script>`,
      });
      const page = await browser.newPage();
      try {
        await page.goto(`${site.origin}/`);
        await page.waitForFunction(() => window.sdk !== undefined);
        expect(new URL(page.url()).origin).not.toBe(stack.origin);

        const companyId = await stack.company(kind);
        const target = {
          url: stack.origin,
          companyId,
          userId: 'dev',
          sessionId: `cors-${kind}`,
          token: await tokenFor(companyId, 'dev'),
        };
        const played = await playOnce(page, target, TEXT);
        expectWholeUtterance(played, TEXT);
      } finally {
        await page.close();
        await site.close();
      }
    },
  );
});
