import { createServer, get, Server } from 'http';
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
    server = createServer((req, res) =>
      headers(req, res, (err?: unknown) => {
        res.statusCode = err ? 500 : 200;
        res.end(err ? 'failed' : 'ok');
      }),
    );
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

  it('never fails a request over its Host header: a host that is no plain host[:port] becomes self', async () => {
    const port = (server.address() as AddressInfo).port;
    for (const host of ['a,b', 'evil.example;script-src *', 'x y', 'ok.example:8080', '[::1]:9']) {
      const { status, policy } = await new Promise<{ status?: number; policy?: string }>((resolve, reject) =>
        get({ host: '127.0.0.1', port, path: '/health', headers: { host } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode, policy: res.headers['content-security-policy'] as string | undefined });
        }).on('error', reject),
      );
      expect(status).toBe(200);
      if (host.startsWith('ok.') || host.startsWith('[')) expect(policy).toContain(`ws://${host}`);
      else expect(policy).toMatch(/connect-src 'self' 'self' 'self'/);
    }
  });
});
