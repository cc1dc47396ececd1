import { once } from 'node:events';
import { AddressInfo, Server, Socket, createServer, connect } from 'node:net';
import { TickWrites } from './tick-writes';

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

describe(TickWrites.name, () => {
  let server: Server;
  let client: Socket;
  let peer: Socket;
  let received: Buffer[];

  beforeEach(async () => {
    received = [];
    server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    [peer] = (await once(server, 'connection')) as [Socket];
    peer.on('data', (data: Buffer) => received.push(data));
    await once(client, 'connect');
  });

  afterEach(async () => {
    client.destroy();
    peer.destroy();
    server.close();
    await once(server, 'close');
  });

  /** What the peer has read once `length` bytes are there. */
  async function receivedText(length: number): Promise<string> {
    while (Buffer.concat(received).length < length) await once(peer, 'data');
    return Buffer.concat(received).toString();
  }

  it("holds the tick's writes in the socket and hands them to the kernel together right after it", async () => {
    const writes = new TickWrites(client);
    writes.hold();
    client.write('first ');
    writes.hold(); // a second frame in the same tick: still one batch
    client.write('second');
    expect(client.writableCorked).toBe(1);
    expect(client.writableLength).toBe('first second'.length); // nothing written to the kernel yet

    await nextTick();
    expect(client.writableCorked).toBe(0);
    expect(client.writableLength).toBe(0);
    expect(await receivedText(12)).toBe('first second');
  });

  it('corks again in a later tick', async () => {
    const writes = new TickWrites(client);
    writes.hold();
    client.write('a');
    await nextTick();
    writes.hold();
    client.write('b');
    expect(client.writableLength).toBe(1);
    await nextTick();
    expect(await receivedText(2)).toBe('ab');
  });

  it('lets end() flush what the tick held', async () => {
    const writes = new TickWrites(client);
    writes.hold();
    client.write('last words');
    client.end();
    await once(peer, 'end');
    expect(Buffer.concat(received).toString()).toBe('last words');
  });

  it('flush() hands the held frames to the kernel at once: a socket destroyed right after still delivers them', async () => {
    const writes = new TickWrites(client);
    writes.hold();
    client.write('error frame, ');
    client.write('close frame');
    writes.flush();
    expect(client.writableLength).toBe(0);
    client.destroy(); // a shutdown terminating every socket in the same tick
    await once(peer, 'close');
    expect(Buffer.concat(received).toString()).toBe('error frame, close frame');
    await nextTick(); // the scheduled uncork finds nothing held
  });

  it('does nothing to a destroyed socket', async () => {
    const writes = new TickWrites(client);
    client.destroy();
    writes.hold();
    expect(client.writableCorked).toBe(0);
    await nextTick(); // and the uncork it did not schedule cannot throw
  });
});
