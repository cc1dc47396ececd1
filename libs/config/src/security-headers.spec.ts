import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { securityHeaders } from './security-headers';

describe(securityHeaders.name, () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const headers = securityHeaders([
      { path: '/', csp: { 'script-src': ["'unsafe-inline'"] } },
      { path: '/admin/*', csp: { 'base-uri': ["'self'"] } },
    ]);
    server = createServer((req, res) => headers(req, res, () => res.end('ok')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const csp = async (path: string) => (await fetch(base + path)).headers.get('content-security-policy')!;

  it('gives every other path the strict policy, whatever its query', async () => {
    for (const path of ['/health', '/x?y=/', '/adminx']) {
      expect(await csp(path)).toContain("script-src 'self';");
      expect(await csp(path)).toContain("base-uri 'none'");
    }
  });

  it('adds a page policy to its exact path or its prefix only, replacing a lone none', async () => {
    expect(await csp('/?token=x')).toContain("script-src 'self' 'unsafe-inline'");
    expect(await csp('/admin/queues')).toContain("base-uri 'self';");
    expect(await csp('/admin/queues')).not.toContain("'none' 'self'");
  });
});
