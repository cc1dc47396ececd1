import { once } from 'node:events';
import { IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { TickWrites } from '../tick-writes';
import { ClientBackpressure } from './client-backpressure';
import { RelaySettings } from './relay-settings';

const HIGH = 65_536;
const settings = { bufferHighBytes: HIGH, bufferLowBytes: 16_384, slowClientTimeoutMs: 30_000 } as RelaySettings;

describe(ClientBackpressure.name, () => {
  let server: WebSocketServer;
  let client: WebSocket;
  let serverSide: WebSocket;
  let request: IncomingMessage;

  beforeEach(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    [serverSide, request] = (await once(server, 'connection')) as [WebSocket, IncomingMessage];
    await once(client, 'open');
  });

  afterEach(async () => {
    client.terminate();
    serverSide.terminate();
    server.close();
    await once(server, 'close');
  });

  it('does not take a client that keeps up for a slow one when one tick writes more than the high mark', async () => {
    const events: string[] = [];
    const target = {
      pause: () => events.push('pause'),
      resume: () => events.push('resume'),
      tooSlow: () => events.push('slow'),
    };
    const backpressure = new ClientBackpressure(serverSide, request.socket, settings, target);
    const writes = new TickWrites(request.socket, () => backpressure.check());
    let received = 0;
    client.on('message', (data: Buffer) => (received += data.length));

    // One turn's audio in three frames, 72 KB in all, written in one tick: while the socket is corked
    // they are all "buffered", yet the kernel takes them as soon as they are handed over.
    writes.hold();
    for (let i = 0; i < 3; i++) serverSide.send(Buffer.alloc(24_000));
    expect(serverSide.bufferedAmount).toBeGreaterThan(HIGH);
    await new Promise((resolve) => process.nextTick(resolve));
    while (received < 72_000) await once(client, 'message');
    backpressure.stop();
    expect(events).toEqual([]);
  });
});
