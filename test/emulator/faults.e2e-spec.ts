import { WebSocket } from 'ws';
import { RunningEmulator, expectedAudioBytes, startTestEmulator } from '../support/emulator';
import { connectSpeak } from './speak-client';

const TEXT = 'Fault injection needs enough audio to cut it somewhere in the middle.';
const FULL = expectedAudioBytes(TEXT, 'linear16', 16000);

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { Authorization: 'Token k' } });
    ws.on('open', () => reject(new Error('upgrade unexpectedly accepted')));
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
  });
}

describe('Deepgram emulator fault injection', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterEach(() => emulator.clearFaults());
  afterAll(() => emulator.close());

  const speakAll = async (query: Record<string, string> = {}) => {
    const client = await connectSpeak(emulator.url, { query: { sample_rate: '16000', ...query } });
    client.send({ type: 'Speak', text: TEXT });
    client.send({ type: 'Flush' });
    return client;
  };

  it('refuses the upgrade: by query and by the in-process API (next connection only)', async () => {
    expect(await upgradeStatus(`${emulator.url}?fault=refuse&fault_status=401`)).toBe(401);
    expect(await upgradeStatus(`${emulator.url}?fault=refuse`)).toBe(503);
    emulator.injectFault({ refuseStatus: 429 });
    expect(await upgradeStatus(emulator.url)).toBe(429);
    const next = await connectSpeak(emulator.url);
    await next.next('Metadata');
    next.ws.close();
  });

  it('applies an injected fault to several connections, then stops', async () => {
    emulator.injectFault({ refuseStatus: 500, connections: 2 });
    expect(await upgradeStatus(emulator.url)).toBe(500);
    expect(await upgradeStatus(emulator.url)).toBe(500);
    const client = await connectSpeak(emulator.url);
    await client.next('Metadata');
    client.ws.close();
  });

  it('drops the TCP connection without a close frame after N bytes (query)', async () => {
    const client = await speakAll({ fault_drop_after_bytes: '5001' });
    expect((await client.closed).code).toBe(1006);
    expect(client.audioBytes()).toBe(5001);
    expect(client.messages.some((m) => m.type === 'Flushed')).toBe(false);
  });

  it('closes with the asked code and reason after N bytes (query)', async () => {
    const client = await speakAll({
      fault_close_after_bytes: '5000',
      fault_close_code: '1011',
      fault_close_reason: 'NET-0002',
    });
    expect(await client.closed).toEqual({ code: 1011, reason: 'NET-0002' });
    expect(client.audioBytes()).toBe(5000);
  });

  it('closes after N bytes (in-process API)', async () => {
    emulator.injectFault({ closeAfterBytes: 3000, closeCode: 1011, closeReason: 'NET-0000' });
    const client = await speakAll();
    expect(await client.closed).toEqual({ code: 1011, reason: 'NET-0000' });
    expect(client.audioBytes()).toBe(3000);
  });

  it('sends odd-sized chunks that still add up to the whole audio', async () => {
    const client = await speakAll({ fault_chunk: 'odd' });
    await client.next('Flushed');
    expect(client.audio.length).toBeGreaterThan(2);
    expect(client.audio.slice(0, -1).every((chunk) => chunk.length % 2 === 1)).toBe(true);
    expect(client.audioBytes()).toBe(FULL);
    client.ws.close();
  });

  it('sends whole samples in varying chunk sizes by default', async () => {
    const client = await speakAll();
    await client.next('Flushed');
    expect(client.audio.every((chunk) => chunk.length % 2 === 0)).toBe(true);
    expect(new Set(client.audio.map((c) => c.length)).size).toBeGreaterThan(3);
    client.ws.close();
  });

  it('closes an idle connection with 1011 NET-0001 (fault_idle_ms and the emulator option)', async () => {
    const client = await connectSpeak(emulator.url, { query: { fault_idle_ms: '300' } });
    const started = Date.now();
    expect(await client.closed).toEqual({ code: 1011, reason: 'NET-0001' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    const short = await startTestEmulator({ idleTimeoutMs: 200 });
    try {
      const other = await connectSpeak(short.url);
      expect(await other.closed).toEqual({ code: 1011, reason: 'NET-0001' });
    } finally {
      await short.close();
    }
  });

  it('keeps a connection with client messages alive past the idle limit', async () => {
    const client = await connectSpeak(emulator.url, { query: { fault_idle_ms: '300' } });
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      client.send({ type: 'Speak', text: 'x' });
    }
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect((await client.closed).reason).toBe('NET-0001');
  });

  it('ends a connection at its maximum lifetime with 1011 NET-*', async () => {
    const short = await startTestEmulator({ maxConnectionMs: 300 });
    try {
      const client = await connectSpeak(short.url);
      const closed = await client.closed;
      expect(closed.code).toBe(1011);
      expect(closed.reason).toMatch(/^NET-/);
    } finally {
      await short.close();
    }
  });

  it('paces audio: time to first byte, then about real time at speed 1', async () => {
    const paced = await startTestEmulator({ ttfbMs: 200, speed: 1 });
    try {
      const client = await connectSpeak(paced.url, { query: { sample_rate: '8000' } });
      await client.next('Metadata');
      client.send({ type: 'Speak', text: 'Hello world' }); // 11 chars: 660 ms of audio
      const sent = Date.now();
      client.send({ type: 'Flush' });
      const firstAudio = new Promise<number>((resolve) => client.ws.once('message', () => resolve(Date.now())));
      expect((await firstAudio) - sent).toBeGreaterThanOrEqual(190);
      await client.next('Flushed');
      expect(Date.now() - sent).toBeGreaterThanOrEqual(190 + 500);
      client.ws.close();
    } finally {
      await paced.close();
    }
  });
});
