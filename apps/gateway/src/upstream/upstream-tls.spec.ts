import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server, TLSSocket, createServer } from 'node:tls';
import { upstreamTransport } from './upstream-tls';

const FIXTURES = join(__dirname, '../../../../test/fixtures/tls');

describe(upstreamTransport.name, () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    // The test certificate names both localhost and 127.0.0.1: two hosts of one server.
    server = createServer({
      cert: readFileSync(join(FIXTURES, 'emulator.crt')),
      key: readFileSync(join(FIXTURES, 'emulator.key')),
    });
    server.on('secureConnection', (socket) => socket.on('error', () => undefined));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  /** Opens a socket as ws would for wss://<host>; resolves whether its handshake resumed, once a session came. */
  async function handshake(host: string): Promise<boolean> {
    const { createConnection } = upstreamTransport(`wss://${host}:${port}/v1/speak`);
    // Verification is on in the gateway; here the test certificate is not among Node's roots.
    const socket = createConnection!({ host, port, rejectUnauthorized: false } as never) as TLSSocket;
    await once(socket, 'secureConnect');
    const resumed = socket.isSessionReused();
    if (!resumed) await once(socket, 'session'); // a full TLS 1.3 handshake's tickets come after it
    socket.destroy();
    await once(socket, 'close');
    return resumed;
  }

  it('resumes the TLS session of the same host, and never offers one host the session of another', async () => {
    expect(await handshake('localhost')).toBe(false);
    // Node does not check the host name of a resumed session's certificate: another host gets a full handshake.
    expect(await handshake('127.0.0.1')).toBe(false);
    expect(await handshake('localhost')).toBe(true);
    expect(await handshake('127.0.0.1')).toBe(true);
  });

  it('leaves ws:// alone', () => {
    expect(upstreamTransport('ws://127.0.0.1:8080/v1/speak')).toEqual({});
  });
});
