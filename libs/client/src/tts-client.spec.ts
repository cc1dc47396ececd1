import { AddressInfo } from 'net';
import WebSocket, { WebSocketServer } from 'ws';
import { CLEAR_ANSWER_TIMEOUT_MS } from './pending-clears';
import { MAX_COALESCED_SPEAK_CHARS, TtsClient } from './tts-client';
import { TtsCloseEvent, TtsError } from './client-events';
import { WebSocketConstructor } from './websocket-like';

const connected = (sampleRate = 24000): string =>
  JSON.stringify({
    type: 'status',
    message: 'Deepgram TTS connected',
    model: 'aura-2-thalia-en',
    encoding: 'linear16',
    sample_rate: sampleRate,
    container: 'none',
  });

/**
 * A real WebSocket server standing in for the gateway: each test scripts how it answers. Like the gateway,
 * a session says "connected" only once the client's first message (its config) has opened the upstream.
 */
async function fakeGateway(onSession: (socket: WebSocket, received: string[], url: URL) => void) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const sessions: Array<{ url: URL; received: string[] }> = [];
  server.on('connection', (socket, request) => {
    const session = { url: new URL(request.url!, 'http://x'), received: [] as string[] };
    sessions.push(session);
    socket.on('message', (data) => session.received.push(data.toString()));
    socket.once('message', () => socket.send(connected()));
    onSession(socket, session.received, session.url);
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Terminating the clients first keeps a failed case from hanging the suite on a session left open.
  const close = () => new Promise((resolve) => (server.clients.forEach((c) => c.terminate()), server.close(resolve)));
  return { url, sessions, close };
}

const clients: TtsClient[] = [];

function client(url: string, extra: Partial<ConstructorParameters<typeof TtsClient>[0]> = {}) {
  const sut = new TtsClient({
    url,
    companyId: 'client-spec',
    userId: 'u1',
    sessionId: 's1',
    language: 'en',
    token: 'tok',
    WebSocket,
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    ...extra,
  });
  clients.push(sut);
  return sut;
}

/** The sizes of the audio chunks and the errors `sut` emits, as they come. */
function recorded(sut: TtsClient): { sizes: number[]; errors: TtsError[] } {
  const out = { sizes: [] as number[], errors: [] as TtsError[] };
  sut.on('audio', (chunk) => out.sizes.push(chunk.data.byteLength));
  sut.on('error', (e) => out.errors.push(e));
  return out;
}

const until = <T>(sut: TtsClient, event: 'close' | 'flushed' | 'cleared'): Promise<T> =>
  new Promise((resolve) => sut.once(event, resolve as (value: unknown) => void));

describe(TtsClient.name, () => {
  let gateway: Awaited<ReturnType<typeof fakeGateway>>;
  let afterThis: (() => void) | undefined;
  afterEach(async () => {
    afterThis?.();
    afterThis = undefined;
    // A failed case must not leave a client reconnecting forever to a closed server.
    clients.splice(0).forEach((sut) => sut.disconnect());
    await gateway.close();
  });

  it('connects with the query, sends the config first, and delivers typed audio and Flushed events', async () => {
    gateway = await fakeGateway((socket, received) => {
      socket.on('message', () => {
        if (received.at(-1)?.includes('Flush')) {
          socket.send(Buffer.from([1, 0, 2, 0]));
          socket.send(JSON.stringify({ type: 'Flushed', sequence_id: 0 }));
        }
      });
    });
    const sut = client(gateway.url, { config: { model: 'aura-2-thalia-en', container: 'none', sample_rate: 24000 } });
    const audio: Array<{ bytes: number; rate: number }> = [];
    sut.on('audio', (chunk) => audio.push({ bytes: chunk.data.byteLength, rate: chunk.format.sampleRate }));
    const status = await sut.connect();
    sut.speak('Hello there.');
    sut.flush();
    expect(await until(sut, 'flushed')).toEqual({ type: 'Flushed', sequence_id: 0 });

    expect(status.sample_rate).toBe(24000);
    expect(audio).toEqual([{ bytes: 4, rate: 24000 }]);
    const { url, received } = gateway.sessions[0];
    expect(url.pathname).toBe('/tts/deepgram/stream');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      company_id: 'client-spec',
      user_id: 'u1',
      session_id: 's1',
      language: 'en',
      token: 'tok',
    });
    expect(received.map((m) => JSON.parse(m))).toEqual([
      { model: 'aura-2-thalia-en', container: 'none', sample_rate: 24000 },
      { type: 'Speak', text: 'Hello there.' },
      { type: 'Flush' },
    ]);
    sut.disconnect();
  });

  it('reconnects after a network drop and resumes the session', async () => {
    gateway = await fakeGateway((socket) => {
      if (gateway.sessions.length === 1) setTimeout(() => socket.terminate(), 20);
    });
    const sut = client(gateway.url);
    await sut.connect();
    const drop = await until<TtsCloseEvent>(sut, 'close');
    expect(drop).toMatchObject({ code: 1006, willReconnect: true });
    await new Promise<void>((resolve) => sut.on('state', (state) => state === 'open' && resolve()));
    // Without a config the client still opens each session with one (`{}`: defaults), or it never connects.
    expect(gateway.sessions.map((session) => session.received[0])).toEqual(['{}', '{}']);
    sut.disconnect();
  });

  it.each([4402, 4401, 4403, 4429, 4400])('never reconnects after close %d and reports the error', async (code) => {
    gateway = await fakeGateway((socket) => {
      socket.send(JSON.stringify({ type: 'error', code: 'insufficient_credits', message: 'no credits' }));
      socket.close(code, 'refused');
    });
    const sut = client(gateway.url);
    const errors: string[] = [];
    sut.on('error', (e) => errors.push(e.code));
    await expect(sut.connect()).rejects.toMatchObject({ code, willReconnect: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gateway.sessions).toHaveLength(1);
    expect(errors).toEqual(['insufficient_credits']);
    expect(sut.state).toBe('closed');
  });

  it('drops audio that arrives between clear() and Cleared', async () => {
    gateway = await fakeGateway((socket, received) => {
      socket.on('message', () => {
        if (!received.at(-1)?.includes('Clear')) return;
        socket.send(Buffer.alloc(8)); // in flight before the gateway saw the Clear
        socket.send(JSON.stringify({ type: 'Cleared', sequence_id: 0 }));
        socket.send(Buffer.alloc(6)); // the next utterance
      });
    });
    const sut = client(gateway.url);
    const sizes: number[] = [];
    let interrupts = 0;
    sut.on('audio', (chunk) => sizes.push(chunk.data.byteLength));
    sut.on('interrupt', () => interrupts++);
    await sut.connect();
    sut.clear();
    await until(sut, 'cleared');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(interrupts).toBe(1);
    expect(sizes).toEqual([6]);
    sut.disconnect();
  });

  it('delivers audio again when the gateway answers a Clear with rate_limited instead of Cleared', async () => {
    gateway = await fakeGateway((socket, received) => {
      socket.on('message', () => {
        if (!received.at(-1)?.includes('Clear')) return;
        socket.send(JSON.stringify({ type: 'error', code: 'rate_limited', message: 'message dropped', dropped: 1 }));
        socket.send(Buffer.alloc(6)); // the speech goes on: the Clear never reached Deepgram
        socket.send(JSON.stringify({ type: 'Flushed', sequence_id: 0 }));
      });
    });
    const sut = client(gateway.url);
    const { sizes, errors } = recorded(sut);
    await sut.connect();
    sut.clear();
    await until(sut, 'flushed');
    // The count of dropped messages reaches the app typed (TtsError.dropped).
    expect(errors).toEqual([{ code: 'rate_limited', message: 'message dropped', dropped: 1 }]);
    expect(sizes).toEqual([6]);
    sut.disconnect();
  });

  it.each([
    ['of nothing dropped (a deferred Flush)', { message: 'Flush deferred 40 s', dropped: 0 }],
    [
      'saying it dropped no Clear (a Speak over the rate)',
      { message: 'messages dropped', dropped: 1, dropped_clears: 0 },
    ],
  ])('keeps dropping audio until Cleared when a rate_limited notice %s comes first', async (_name, notice) => {
    gateway = await fakeGateway((socket, received) => {
      socket.on('message', () => {
        if (!received.at(-1)?.includes('Clear')) return;
        // Sent before the gateway read the Clear: the notice, then more of the interrupted speech.
        socket.send(JSON.stringify({ type: 'error', code: 'rate_limited', ...notice }));
        socket.send(Buffer.alloc(8));
        socket.send(JSON.stringify({ type: 'Cleared', sequence_id: 0 }));
        socket.send(Buffer.alloc(6)); // the next utterance
      });
    });
    const sut = client(gateway.url);
    const { sizes, errors } = recorded(sut);
    await sut.connect();
    sut.clear();
    await until(sut, 'cleared');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toEqual([{ code: 'rate_limited', message: notice.message, dropped: notice.dropped }]);
    expect(sizes).toEqual([6]);
    sut.disconnect();
  });

  it(`stops dropping audio when a Clear is not answered within ${CLEAR_ANSWER_TIMEOUT_MS} ms`, async () => {
    gateway = await fakeGateway((socket, received) => {
      socket.on('message', () => {
        if (!received.at(-1)?.includes('Clear')) return;
        socket.send(Buffer.alloc(8)); // the interrupted speech, still in flight
        setTimeout(() => {
          socket.send(Buffer.alloc(6));
          socket.send(JSON.stringify({ type: 'Flushed', sequence_id: 0 }));
        }, CLEAR_ANSWER_TIMEOUT_MS + 200);
      });
    });
    const sut = client(gateway.url);
    const sizes: number[] = [];
    sut.on('audio', (chunk) => sizes.push(chunk.data.byteLength));
    await sut.connect();
    sut.clear();
    await until(sut, 'flushed');
    expect(sizes).toEqual([6]);
    sut.disconnect();
  });

  it('does not reconnect after an idle timeout (4408); the next speak() opens a new session', async () => {
    let resumed: (received: string[]) => void;
    const secondSession = new Promise<string[]>((resolve) => (resumed = resolve));
    gateway = await fakeGateway((socket, received) => {
      if (gateway.sessions.length > 1)
        return void socket.on('message', () => received.length === 3 && resumed(received));
      socket.once('message', () => {
        socket.send(JSON.stringify({ type: 'error', code: 'idle_timeout', message: 'no message for 1000 ms' }));
        socket.close(4408, 'idle_timeout');
      });
    });
    const sut = client(gateway.url);
    const states: string[] = [];
    let interrupts = 0;
    sut.on('state', (state) => states.push(state));
    sut.on('interrupt', () => interrupts++);
    const idledOut = until<TtsCloseEvent>(sut, 'close');
    await sut.connect();
    expect(await idledOut).toMatchObject({ code: 4408, willReconnect: false });
    await new Promise((resolve) => setTimeout(resolve, 100)); // ten times the first backoff delay
    expect(gateway.sessions).toHaveLength(1);
    expect(sut.state).toBe('idle');

    sut.flush(); // nothing to flush: no session is opened for it
    sut.clear(); // players still go quiet
    expect(gateway.sessions).toHaveLength(1);
    expect(interrupts).toBe(1);

    const reopened = new Promise<void>((resolve) => sut.on('state', (state) => state === 'open' && resolve()));
    sut.speak('Back to work.');
    sut.flush();
    await reopened;
    expect((await secondSession).map((m) => JSON.parse(m))).toEqual([
      {},
      { type: 'Speak', text: 'Back to work.' },
      { type: 'Flush' },
    ]);
    expect(states).toEqual(['connecting', 'open', 'idle', 'connecting', 'open']);
  });

  it('ends for good when closed while idle after an idle timeout', async () => {
    gateway = await fakeGateway((socket) => socket.once('message', () => socket.close(4408, 'idle_timeout')));
    const sut = client(gateway.url);
    const idledOut = until<TtsCloseEvent>(sut, 'close');
    await sut.connect();
    await idledOut;
    await sut.close();
    expect(sut.state).toBe('closed');
    expect(() => sut.speak('Too late.')).toThrow(/closed/);
    expect(gateway.sessions).toHaveLength(1);
  });

  it('clear() after close() silences players and drops the rest of the speech, without throwing or sending Clear', async () => {
    gateway = await fakeGateway((socket, received) => {
      socket.on('message', () => {
        if (!received.at(-1)?.includes('Close')) return;
        // A graceful Close: the queued speech is still delivered, then the usage, then 1000.
        setTimeout(() => {
          socket.send(Buffer.alloc(8));
          socket.send(JSON.stringify({ type: 'Flushed', sequence_id: 0 }));
          socket.send(JSON.stringify({ type: 'status', message: 'closed', usage: { audio_bytes: 8, seconds: 0 } }));
          socket.close(1000);
        }, 50);
      });
    });
    const sut = client(gateway.url);
    const sizes: number[] = [];
    const statuses: string[] = [];
    let interrupts = 0;
    sut.on('audio', (chunk) => sizes.push(chunk.data.byteLength));
    sut.on('status', (s) => statuses.push(s.message));
    sut.on('interrupt', () => interrupts++);
    await sut.connect();
    const closed = sut.close();
    expect(sut.state).toBe('closing');

    expect(() => sut.clear()).not.toThrow();
    expect(interrupts).toBe(1);
    expect(await closed).toMatchObject({ code: 1000, willReconnect: false });
    expect(sizes).toEqual([]);
    expect(statuses).toEqual(['Deepgram TTS connected', 'closed']);
    // The gateway ignores messages after Close: nothing follows it.
    expect(gateway.sessions[0].received.map((m) => JSON.parse(m))).toEqual([{}, { type: 'Close' }]);

    // Closed (and never connected) as well: players still go quiet, nothing is thrown.
    expect(() => sut.clear()).not.toThrow();
    expect(() => client(gateway.url).clear()).not.toThrow();
    expect(interrupts).toBe(2);
  });

  it('closes gracefully with Close and does not reconnect after 1000', async () => {
    gateway = await fakeGateway((socket, received) => {
      socket.on('message', () => {
        if (!received.at(-1)?.includes('Close')) return;
        socket.send(JSON.stringify({ type: 'status', message: 'closed', usage: { audio_bytes: 0, seconds: 0 } }));
        socket.close(1000);
      });
    });
    const sut = client(gateway.url);
    const statuses: string[] = [];
    sut.on('status', (s) => statuses.push(s.message));
    await sut.connect();
    expect(await sut.close()).toMatchObject({ code: 1000, willReconnect: false });
    expect(statuses).toEqual(['Deepgram TTS connected', 'closed']);
    expect(sut.state).toBe('closed');
  });

  it('joins speak() calls of one task into one Speak, capped, in order with Flush and Clear; clear() drops unsent text', async () => {
    gateway = await fakeGateway(() => undefined);
    const sut = client(gateway.url);
    // While connecting everything waits, joined where consecutive.
    const connected = sut.connect();
    sut.speak('Hello ');
    sut.speak('there.');
    sut.flush();
    sut.speak('Dropped ');
    sut.speak('by the clear.');
    sut.clear();
    await connected;
    // Open: one task's calls make one frame; a Flush closes it; a text over the cap starts the next frame.
    const long = 'x'.repeat(MAX_COALESCED_SPEAK_CHARS - 2);
    sut.speak('a');
    sut.speak('b');
    sut.flush();
    sut.speak(long);
    sut.speak('cd');
    sut.speak('e');
    sut.flush();
    sut.speak('Unsent, ');
    sut.clear();
    sut.speak('after.');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gateway.sessions[0].received.map((m) => JSON.parse(m))).toEqual([
      {},
      { type: 'Speak', text: 'Hello there.' },
      { type: 'Flush' },
      { type: 'Clear' },
      { type: 'Speak', text: 'ab' },
      { type: 'Flush' },
      { type: 'Speak', text: `${long}cd` },
      { type: 'Speak', text: 'e' },
      { type: 'Flush' },
      { type: 'Clear' },
      { type: 'Speak', text: 'after.' },
    ]);
    sut.disconnect();
  });

  it.each([
    ['a url without a scheme', { url: 'localhost:8080' }],
    ['a host name alone', { url: 'tts.example.com/stream' }],
    ['a url of another scheme', { url: 'ftp://tts.example.com' }],
    ['no WebSocket implementation', { WebSocket: undefined }],
  ])(
    'connect() with %s rejects (never throws), ends closed, reports the error, and may be retried',
    async (_n, bad) => {
      gateway = await fakeGateway(() => undefined);
      // No global WebSocket either (Node 22+ has one): options.WebSocket is the only way to get one.
      const global = globalThis as { WebSocket?: unknown };
      const globalSocket = global.WebSocket;
      delete global.WebSocket;
      afterThis = () => void (globalSocket !== undefined && (global.WebSocket = globalSocket));
      const sut = client(gateway.url, bad);
      const { errors } = recorded(sut);
      const states: string[] = [];
      const closes: TtsCloseEvent[] = [];
      sut.on('state', (state) => states.push(state));
      sut.on('close', (e) => closes.push(e));
      let first: Promise<unknown> | undefined;
      expect(() => (first = sut.connect())).not.toThrow();
      await expect(first).rejects.toMatchObject({ code: 1006, willReconnect: false });
      expect(sut.state).toBe('closed');
      expect(states.at(-1)).toBe('closed');
      expect(errors).toEqual([{ code: 'connection_error', message: expect.stringMatching(/cannot open a WebSocket/) }]);
      expect(closes).toEqual([
        { code: 1006, reason: errors[0].message.replace('TtsClient: ', ''), willReconnect: false },
      ]);
      // Not stuck in `connecting`: the next connect() fails the same way, not "cannot connect while connecting".
      await expect(sut.connect()).rejects.toThrow(/cannot open a WebSocket/);
      expect(sut.state).toBe('closed');
      expect(gateway.sessions).toHaveLength(0);
    },
  );

  it('a WebSocket constructor that quotes the URL it refused does not put the token into the error', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.secret-payload.signature';
    class Refusing {
      constructor(url: string) {
        throw new Error(`Failed to construct 'WebSocket': The URL '${url}' is invalid (token ${token}).`);
      }
    }
    const sut = client('ws://127.0.0.1:9', { token, WebSocket: Refusing as unknown as WebSocketConstructor });
    const { errors } = recorded(sut);
    const closes: TtsCloseEvent[] = [];
    sut.on('close', (e) => closes.push(e));
    const rejected = await sut.connect().then(
      () => 'connected',
      (error: Error) => error.message,
    );

    const seen = JSON.stringify({ rejected, errors, closes });
    expect(errors).toEqual([
      { code: 'connection_error', message: expect.stringContaining("'<stream url>' is invalid") },
    ]);
    expect(seen).not.toContain(token);
    expect(seen).not.toContain('secret-payload');
  });

  it('speak("") sends nothing (the gateway refuses an empty Speak), and opens no session after an idle timeout', async () => {
    gateway = await fakeGateway((socket) => {
      // The gateway's idle close, once the Flush is in (what is sent before it is what this test reads).
      socket.on('message', (data) => {
        if (gateway.sessions.length === 1 && String(data).includes('Flush')) socket.close(4408);
      });
    });
    const sut = client(gateway.url);
    await sut.connect();
    sut.speak(''); // an LLM stream's first delta
    await new Promise((resolve) => setTimeout(resolve, 20));
    sut.speak('');
    sut.speak('Hi.');
    sut.speak('');
    sut.flush();
    await until(sut, 'close'); // idled out (4408)
    expect(sut.state).toBe('idle');
    sut.speak('');
    expect(sut.state).toBe('idle'); // a non-empty speak() would be 'connecting' by now (resume is synchronous)
    expect(gateway.sessions).toHaveLength(1);
    expect(gateway.sessions[0].received.map((m) => JSON.parse(m))).toEqual([
      {},
      { type: 'Speak', text: 'Hi.' },
      { type: 'Flush' },
    ]);
    await sut.close();
    expect(() => sut.speak('')).toThrow(/closed/);
  });

  it('clear() after close() while waiting to reconnect drops the queued speech: none of it is sent or played', async () => {
    gateway = await fakeGateway((socket, received) => {
      // The first connection drops once the client's config is in (the connected status went out before it).
      if (gateway.sessions.length === 1) return void socket.once('message', () => socket.terminate());
      socket.on('message', () => {
        const last = received.at(-1)!;
        if (last.includes('Flush')) socket.send(Buffer.alloc(8));
        if (last.includes('Close')) socket.close(1000);
      });
    });
    const sut = client(gateway.url, { reconnect: { initialDelayMs: 200, maxDelayMs: 200, jitter: 0 } });
    const { sizes } = recorded(sut);
    let interrupts = 0;
    sut.on('interrupt', () => interrupts++);
    await sut.connect();
    expect(await until<TtsCloseEvent>(sut, 'close')).toMatchObject({ willReconnect: true });
    sut.speak('Queued while reconnecting.');
    sut.flush();
    const closed = sut.close();
    expect(sut.state).toBe('closing');
    sut.clear(); // Stop
    expect(interrupts).toBe(1);
    expect(await closed).toMatchObject({ willReconnect: false });
    await new Promise((resolve) => setTimeout(resolve, 400)); // past the reconnect attempt
    expect(sut.state).toBe('closed');
    expect(sizes).toEqual([]);
    const sent = gateway.sessions.flatMap((session) => session.received);
    expect(sent.some((m) => m.includes('Queued while reconnecting'))).toBe(false);
  });

  it('clear() after close() while still connecting sends only the Close, not the queued speech', async () => {
    gateway = await fakeGateway((socket, received) => {
      socket.on('message', () => {
        const last = received.at(-1)!;
        if (last.includes('Flush')) socket.send(Buffer.alloc(8));
        if (last.includes('Close')) socket.close(1000);
      });
    });
    const sut = client(gateway.url);
    const { sizes } = recorded(sut);
    void sut.connect().catch(() => undefined);
    sut.speak('Stopped before it was sent.');
    sut.flush();
    const closed = sut.close();
    sut.clear();
    expect(await closed).toMatchObject({ code: 1000, willReconnect: false });
    expect(sizes).toEqual([]);
    expect(gateway.sessions[0].received.map((m) => JSON.parse(m))).toEqual([{}, { type: 'Close' }]);
  });

  it('disconnect() while connecting ends at once without an error, and connect() may follow at once', async () => {
    gateway = await fakeGateway(() => undefined);
    const sut = client(gateway.url);
    const { errors } = recorded(sut);
    const closes: TtsCloseEvent[] = [];
    sut.on('close', (e) => closes.push(e));
    const first = sut.connect();
    sut.disconnect();
    await expect(first).rejects.toMatchObject({ code: 1000, willReconnect: false });
    expect(sut.state).toBe('closed');
    await sut.connect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sut.state).toBe('open');
    expect(closes).toEqual([{ code: 1000, reason: 'disconnected', willReconnect: false }]);
    expect(errors).toEqual([]);
    sut.disconnect();
  });
});
