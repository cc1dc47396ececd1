import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { LookupAddress } from 'dns';
import { PrivateAddressError, pinnedLookup, Resolve, WebhookSender } from './webhook-sender';

/** Calls a LookupFunction the way net.connect does (all addresses, any family). */
const lookupAll = (lookup: ReturnType<typeof pinnedLookup>, host: string) =>
  new Promise<LookupAddress[]>((resolve, reject) =>
    lookup(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses as LookupAddress[]))),
  );

describe('webhook delivery pins the address it checked', () => {
  let server: Server;
  let port: number;
  const received: Array<{ host?: string; body: string }> = [];
  const senders: WebhookSender[] = [];
  const sender = (allowPrivate: boolean, resolve?: Resolve) => {
    const s = new WebhookSender({ allowPrivate, timeoutMs: 5_000, resolve });
    senders.push(s);
    return s;
  };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ host: req.headers.host, body: Buffer.concat(chunks).toString() });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  beforeEach(() => (received.length = 0));

  afterAll(async () => {
    senders.forEach((s) => s.close());
    await new Promise((resolve) => server.close(resolve));
  });

  it('the lookup refuses a name resolving to a private address when those are forbidden', async () => {
    await expect(lookupAll(pinnedLookup(false), 'localhost')).rejects.toBeInstanceOf(PrivateAddressError);
    expect(await lookupAll(pinnedLookup(true), 'localhost')).toContainEqual({ address: '127.0.0.1', family: 4 });
  });

  it('the lookup refuses a name if any of its addresses is private', async () => {
    const mixed: Resolve = (_host, cb) =>
      cb(null, [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.8', family: 4 },
      ]);
    await expect(lookupAll(pinnedLookup(false, mixed), 'hooks.example.com')).rejects.toThrow(/10\.0\.0\.8/);
  });

  it('refuses at delivery a name that resolves to a private address, without sending a byte', async () => {
    await expect(sender(false).post(`http://localhost:${port}/hook`, '{}', {})).rejects.toBeInstanceOf(
      PrivateAddressError,
    );
    // A name whose resolver answers a loopback address at connect time (DNS rebinding) is refused too.
    const rebound: Resolve = (_host, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
    await expect(sender(false, rebound).post(`http://hooks.example.com:${port}/hook`, '{}', {})).rejects.toBeInstanceOf(
      PrivateAddressError,
    );
    await expect(sender(false).post(`http://127.0.0.1:${port}/hook`, '{}', {})).rejects.toBeInstanceOf(
      PrivateAddressError,
    );
    expect(received).toHaveLength(0);
  });

  it('refuses at delivery a private IPv4 address embedded in IPv6 (IPv4-compatible, NAT64)', async () => {
    const nat64: Resolve = (_host, cb) => cb(null, [{ address: '64:ff9b::a9fe:a9fe', family: 6 }]);
    await expect(lookupAll(pinnedLookup(false, nat64), 'hooks.example.com')).rejects.toThrow(/64:ff9b::a9fe:a9fe/);
    await expect(sender(false).post(`http://[::7f00:1]:${port}/hook`, '{}', {})).rejects.toBeInstanceOf(
      PrivateAddressError,
    );
    await expect(sender(false).post(`http://[64:ff9b::7f00:1]:${port}/hook`, '{}', {})).rejects.toBeInstanceOf(
      PrivateAddressError,
    );
    const publicNat64: Resolve = (_host, cb) => cb(null, [{ address: '64:ff9b::808:808', family: 6 }]);
    expect(await lookupAll(pinnedLookup(false, publicNat64), 'hooks.example.com')).toEqual([
      { address: '64:ff9b::808:808', family: 6 },
    ]);
    expect(received).toHaveLength(0);
  });

  it('delivers through the same lookup when private addresses are allowed, with the original Host', async () => {
    const rebound: Resolve = (_host, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
    expect(await sender(true).post(`http://localhost:${port}/hook`, '{"a":1}', {})).toBe(204);
    expect(await sender(true, rebound).post(`http://hooks.example.com:${port}/hook`, '{"b":2}', {})).toBe(204);
    expect(received).toEqual([
      { host: `localhost:${port}`, body: '{"a":1}' },
      { host: `hooks.example.com:${port}`, body: '{"b":2}' },
    ]);
  });
});
