import { readFileSync } from 'fs';
import { join } from 'path';
import { TestGateway, startGateway } from '../support/gateway';
import { rawRequest } from '../support/raw-http';

const PAGE_DIR = join(__dirname, '..', '..', 'apps', 'gateway', 'src', 'demo', 'page');

describe('playground files over HTTP', () => {
  let gateway: TestGateway;
  let origin: string;
  beforeAll(async () => {
    gateway = await startGateway({ DEMO_PAGE: 'true', CREDITS_PER_MINUTE: '3' });
    origin = `http://127.0.0.1:${gateway.port}`;
  });
  afterAll(() => gateway?.close());

  it('serves the page filled in and never stored, and each file with its type', async () => {
    const page = await fetch(`${origin}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await page.text()).toContain('data-credits-per-minute="3"');

    const script = await fetch(`${origin}/demo/utterance-log.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe(readFileSync(join(PAGE_DIR, 'utterance-log.js.txt'), 'utf8'));
    const icon = await fetch(`${origin}/favicon.ico`);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(icon.headers.get('etag')).toBe((await fetch(`${origin}/demo/favicon.svg`)).headers.get('etag'));
  });

  it('answers a browser holding the current file with an empty 304, and one holding another with the file', async () => {
    const first = await fetch(`${origin}/demo/playground.js`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');

    // As a browser revalidates a no-cache file (a raw request: fetch would add Cache-Control: no-cache).
    const again = await rawRequest(gateway.port, 'GET', '/demo/playground.js', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.head).toContain(`ETag: ${etag}`);

    const css = await fetch(`${origin}/demo/playground.css`);
    const other = await rawRequest(gateway.port, 'GET', '/demo/playground.js', {
      'If-None-Match': css.headers.get('etag')!,
    });
    expect(other.status).toBe(200);
    // rawRequest reads bytes as latin1; the file is UTF-8.
    expect(Buffer.from(other.body, 'latin1').toString('utf8')).toBe(await first.text());
  });
});
