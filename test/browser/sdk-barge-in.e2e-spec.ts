import { AddressInfo, Server, Socket, connect, createServer } from 'net';
import WebSocket from 'ws';
import { ClosedStatus, ConnectedStatus, TtsClient } from '@tts/client';
import { expectedAudioBytes } from '../support/emulator';
import { BrowserStack, startBrowserStack } from './support/browser-stack';

/** About 4 s of speech at the emulator's real-time pace (60 ms per character). */
const LONG_TEXT = 'This sentence keeps talking long after the user wanted silence.';
/** Deepgram's (and so the gateway's) Flush allowance per minute: one more Flush is deferred. */
const FLUSH_LIMIT = 20;

/** A TCP hop that delays what the client sends by `delayMs`, like a slow uplink (answers come back at once). */
async function slowUplink(targetPort: number, delayMs: number) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    // Same delay for every chunk: timers of equal duration fire in order, so the stream stays in order.
    client.on('data', (chunk) => setTimeout(() => upstream.destroyed || upstream.write(chunk), delayMs));
    client.on('end', () => setTimeout(() => upstream.end(), delayMs));
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SDK barge-in (Node, ws) against the real gateway, speech paced in real time', () => {
  let stack: BrowserStack;
  beforeAll(async () => {
    stack = await startBrowserStack('sdk-barge-in', {}, { speed: 1, ttfbMs: 0 });
  });
  afterAll(() => stack?.close());
  const open: TtsClient[] = [];
  afterEach(() => open.splice(0).forEach((sut) => sut.disconnect()));

  const client = (url: string, companyId: string) => {
    const sut = new TtsClient({
      url,
      companyId,
      userId: 'barge-in-user',
      sessionId: 'barge-in-session',
      language: 'en',
      config: { encoding: 'linear16', sample_rate: 16000, container: 'none' },
      WebSocket,
      reconnect: false,
    });
    open.push(sut);
    return sut;
  };

  it('a Stop after close() silences the players and drops the rest of the speech; the session still ends 1000 with its usage', async () => {
    const sut = client(stack.origin, await stack.company('after-close'));
    const statuses: Array<ConnectedStatus | ClosedStatus> = [];
    sut.on('status', (status) => statuses.push(status));
    await sut.connect();
    let heardBeforeStop = 0;
    const speaking = new Promise((resolve) => sut.once('audio', resolve));
    const offBefore = sut.on('audio', ({ data }) => (heardBeforeStop += data.byteLength));
    sut.speak(LONG_TEXT);
    sut.flush();
    await speaking;
    const closed = sut.close();
    expect(sut.state).toBe('closing');
    await sleep(300); // the user listens a moment, then presses Stop
    offBefore();

    let interrupts = 0;
    let heardAfterStop = 0;
    sut.on('interrupt', () => interrupts++);
    sut.on('audio', ({ data }) => (heardAfterStop += data.byteLength));
    expect(() => sut.clear()).not.toThrow();
    expect(interrupts).toBe(1); // what attached players (TtsPlayer, useTts) silence themselves on

    expect(await closed).toMatchObject({ code: 1000, willReconnect: false });
    expect(heardAfterStop).toBe(0);
    // The gateway did not stop (a Close drains): it delivered, and metered, the whole utterance.
    const total = expectedAudioBytes(LONG_TEXT, 'linear16', 16000);
    expect(heardBeforeStop).toBeLessThan(total / 2);
    expect(statuses.at(-1)).toMatchObject({ message: 'closed', usage: { audio_bytes: total } });
  }, 20_000);

  it('a deferred-Flush rate_limited notice arriving before Cleared does not let the interrupted speech through', async () => {
    // 500 ms uplink: the gateway reads the Flushes 500 ms after they were sent and the Clear 300 ms after them.
    const link = await slowUplink(stack.gateway.port, 500);
    try {
      const sut = client(link.url, await stack.company('deferred-flush'));
      await sut.connect();
      const events: string[] = [];
      sut.on('audio', () => events.at(-1) !== 'audio' && events.push('audio'));
      sut.on('error', (e) => events.push(`${e.code} dropped ${e.dropped}`));
      sut.on('cleared', () => events.push('cleared'));
      sut.speak(LONG_TEXT);
      // The last Flush is one over Deepgram's allowance: the gateway defers it and says so (dropped 0) at once.
      // Each after text of its own: a Flush with nothing said since the last one rides on it, never deferred.
      for (let i = 0; i <= FLUSH_LIMIT; i++) {
        if (i > 0) sut.speak(' Más.');
        sut.flush();
      }
      await sleep(300);
      expect(events).toEqual([]); // nothing heard yet: the gateway has not read the text
      sut.clear();
      events.push('clear()');
      await new Promise((resolve) => sut.once('cleared', resolve));
      await sleep(300);

      // The speech streamed for 300 ms between the notice and the Clear; none of it may reach the user.
      expect(events).toEqual(['clear()', 'rate_limited dropped 0', 'cleared']);
    } finally {
      await link.close();
    }
  }, 20_000);
});
