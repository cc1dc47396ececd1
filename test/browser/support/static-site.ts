import { createServer } from 'http';
import { AddressInfo } from 'net';

export interface StaticSite {
  /** http://localhost:<port>: another origin than the gateway's http://127.0.0.1:<port>. */
  origin: string;
  close(): Promise<void>;
}

/** A frontend developer's dev server: serves `files` (path -> body, type from the extension) and nothing else. */
export async function startStaticSite(files: Record<string, string | Buffer>): Promise<StaticSite> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = files[path];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    const type = path.endsWith('.js') ? 'text/javascript' : path.endsWith('.map') ? 'application/json' : 'text/html';
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
