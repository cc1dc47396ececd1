import WebSocket from 'ws';
import { TtsClient, TtsCloseEvent } from '@tts/client';
import { RunningEmulator, expectedAudioBytes, startTestEmulator } from '../support/emulator';
import { TestGateway, cleanupFunding, fundCompany, startGateway } from '../support/gateway';

const IDLE_TIMEOUT_MS = 1000; // the gateway's minimum

describe('SDK against the real gateway: idle timeout (4408)', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  let sut: TtsClient | undefined;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    gateway = await startGateway({ DEEPGRAM_URL: emulator.url, IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS) });
  });
  afterEach(() => sut?.disconnect());
  afterAll(async () => {
    await gateway?.close();
    await emulator?.close();
    await cleanupFunding();
  });

  it('does not reconnect after the session idled out, and the next speak() opens a new one', async () => {
    const companyId = `sdk-idle-${process.pid}`;
    await fundCompany(companyId);
    sut = new TtsClient({
      url: `http://127.0.0.1:${gateway.port}`,
      companyId,
      userId: 'idle-user',
      sessionId: 'idle-session',
      language: 'en',
      config: { encoding: 'linear16', sample_rate: 16000, container: 'none' },
      WebSocket,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    const client = sut;
    const states: string[] = [];
    const errors: string[] = [];
    client.on('state', (state) => states.push(state));
    client.on('error', (e) => errors.push(e.code));
    const idledOut = new Promise<TtsCloseEvent>((resolve) => client.once('close', resolve));
    await client.connect();

    expect(await idledOut).toMatchObject({ code: 4408, willReconnect: false });
    await new Promise((resolve) => setTimeout(resolve, 300)); // well past the first backoff delays
    expect(states).toEqual(['connecting', 'open', 'idle']);
    expect(errors).toEqual(['idle_timeout']);

    let bytes = 0;
    client.on('audio', ({ data }) => (bytes += data.byteLength));
    const flushed = new Promise((resolve) => client.once('flushed', resolve));
    client.speak('Awake again.');
    client.flush();
    await flushed;
    expect(bytes).toBe(expectedAudioBytes('Awake again.', 'linear16', 16000));
    expect(states).toEqual(['connecting', 'open', 'idle', 'connecting', 'open']);
    expect(await client.close()).toMatchObject({ code: 1000, willReconnect: false });
  });
});
