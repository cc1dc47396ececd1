import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { request } from 'http';
import { createServer } from 'https';
import { AddressInfo, Socket, connect } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

export interface TlsFront {
  /** https://127.0.0.1:<port> */
  origin: string;
  /** Cuts every WebSocket passed through so far, as a network drop would (no close frame). */
  cutWebSockets(): void;
  /** While on, WebSocket upgrades are dropped before they reach the gateway (the browser sees a failed connect). */
  refuseWebSockets(refuse: boolean): void;
  close(): Promise<void>;
}

/** A throwaway self-signed certificate for 127.0.0.1 (the browser context ignores HTTPS errors). */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'tls-front-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key].concat([
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ]),
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * HTTPS/WSS in front of the plain-HTTP gateway, as the TLS-terminating load balancer is in production:
 * serves `pages` itself and forwards every other request and WebSocket upgrade untouched (Host included).
 */
export async function startTlsFront(backendPort: number, pages: Record<string, string>): Promise<TlsFront> {
  const sockets = new Set<Socket>();
  const webSockets = new Set<Socket>();
  let refusing = false;
  const server = createServer(selfSignedCertificate(), (req, res) => {
    const page = pages[req.url ?? ''];
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    const forward = request(
      { host: '127.0.0.1', port: backendPort, path: req.url, method: req.method, headers: req.headers },
      (answer) => answer.pipe(res.writeHead(answer.statusCode ?? 502, answer.headers)),
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  server.on('upgrade', (req, client: Socket, head: Buffer) => {
    if (refusing) return void client.destroy();
    const backend = connect(backendPort, '127.0.0.1', () => {
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      backend.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      backend.write(head);
      client.pipe(backend).pipe(client);
    });
    for (const socket of [client, backend]) {
      sockets.add(socket);
      webSockets.add(socket);
      socket.on('close', () => (sockets.delete(socket), webSockets.delete(socket)));
    }
    backend.on('error', () => client.destroy());
    client.on('error', () => backend.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cutWebSockets: () => webSockets.forEach((socket) => socket.destroy()),
    refuseWebSockets: (refuse) => (refusing = refuse),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
