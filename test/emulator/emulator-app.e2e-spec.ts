import { readFileSync } from 'fs';
import { WebSocket } from 'ws';
import { createEmulatorApp, RunningEmulatorApp } from '../../apps/deepgram-emulator/src/bootstrap';
import { expectedAudioBytes } from '../support/emulator';
import { TEST_TLS } from '../support/tls';
import { connectSpeak, refusedUpgrade } from './speak-client';

const KEY = 'emulator-app-key';

/** The process entry point: a Nest app serving health and /v1/speak on EMULATOR_PORT. */
describe('Deepgram emulator process (Nest app)', () => {
  let emulator: RunningEmulatorApp;
  let base: string;
  beforeAll(async () => {
    emulator = await createEmulatorApp({
      EMULATOR_PORT: '0',
      EMULATOR_HOST: '127.0.0.1',
      EMULATOR_API_KEY: KEY,
      EMULATOR_SPEED: '0',
      EMULATOR_TTFB_MS: '0',
      EMULATOR_HANDSHAKE_DELAY_MS: '200',
      LOG_LEVEL: 'silent',
    });
    base = `127.0.0.1:${emulator.port}`;
  });
  afterAll(() => emulator.close());

  it('answers GET /health/live and /health/ready with 200 JSON', async () => {
    for (const path of ['/health/live', '/health/ready']) {
      const res = await fetch(`http://${base}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    }
  });

  it('serves /v1/speak on the same port with EMULATOR_API_KEY, after EMULATOR_HANDSHAKE_DELAY_MS', async () => {
    const at = performance.now();
    const client = await connectSpeak(`ws://${base}/v1/speak`, { key: KEY, query: { encoding: 'mulaw' } });
    expect(performance.now() - at).toBeGreaterThanOrEqual(190);
    client.send({ type: 'Speak', text: 'Nest' });
    client.send({ type: 'Flush' });
    await client.next('Flushed');
    expect(client.audioBytes()).toBe(expectedAudioBytes('Nest', 'mulaw', 8000));
    client.ws.close();
  });

  it('keeps no record of its connections (keys, text): a long-running process must not grow with them', async () => {
    const client = await connectSpeak(`ws://${base}/v1/speak`, { key: KEY });
    client.send({ type: 'Speak', text: 'secreto' });
    client.send({ type: 'Flush' });
    await client.next('Flushed');
    expect(emulator.speak.server.connections).toEqual([]);
    client.ws.close();
  });

  it('refuses any other key with 401', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://${base}/v1/speak`, { headers: { Authorization: 'Token other' } });
      ws.on('error', () => undefined);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(status).toBe(401);
  });

  it('EMULATOR_MAX_CONNECTIONS: an upgrade over that many open connections gets 429', async () => {
    const full = await createEmulatorApp({
      EMULATOR_PORT: '0',
      EMULATOR_HOST: '127.0.0.1',
      EMULATOR_MAX_CONNECTIONS: '1',
      LOG_LEVEL: 'silent',
    });
    try {
      const url = `ws://127.0.0.1:${full.port}/v1/speak`;
      const first = await connectSpeak(url, { key: 'any' });
      const { res } = await refusedUpgrade(url, { Authorization: 'Token any' });
      expect(res.statusCode).toBe(429);
      first.ws.close();
    } finally {
      await full.close();
    }
  });

  it('on shutdown closes live connections with a close frame', async () => {
    const client = await connectSpeak(`ws://${base}/v1/speak`, { key: KEY });
    await client.next('Metadata');
    await emulator.speak.beforeApplicationShutdown();
    expect((await client.closed).code).toBe(1001);
    expect((await fetch(`http://${base}/health/ready`)).status).toBe(503);
  });

  it('EMULATOR_TLS_CERT_FILE and EMULATOR_TLS_KEY_FILE: serves https:// and wss://, as Deepgram does', async () => {
    const tls = await createEmulatorApp({
      EMULATOR_PORT: '0',
      EMULATOR_HOST: '127.0.0.1',
      EMULATOR_SPEED: '0',
      EMULATOR_TTFB_MS: '0',
      EMULATOR_TLS_CERT_FILE: TEST_TLS.cert,
      EMULATOR_TLS_KEY_FILE: TEST_TLS.key,
      LOG_LEVEL: 'silent',
    });
    try {
      const client = await connectSpeak(`wss://127.0.0.1:${tls.port}/v1/speak`, {
        key: 'any',
        ca: readFileSync(TEST_TLS.cert),
      });
      client.send({ type: 'Speak', text: 'Seguro' });
      client.send({ type: 'Flush' });
      await client.next('Flushed');
      expect(client.audioBytes()).toBe(expectedAudioBytes('Seguro', 'linear16', 24000));
      client.ws.close();
      // In clear, nothing answers: the port speaks TLS only.
      await expect(connectSpeak(`ws://127.0.0.1:${tls.port}/v1/speak`, { key: 'any' })).rejects.toThrow();
    } finally {
      await tls.close();
    }
  });

  it.each([
    [
      { EMULATOR_TLS_CERT_FILE: '/nonexistent/emulator.crt' },
      'EMULATOR_TLS_CERT_FILE and EMULATOR_TLS_KEY_FILE go together',
    ],
    [
      { EMULATOR_TLS_CERT_FILE: '/nonexistent/emulator.crt', EMULATOR_TLS_KEY_FILE: '/nonexistent/emulator.key' },
      'EMULATOR_TLS_CERT_FILE: cannot read the file (ENOENT)',
    ],
  ])('refuses to boot with TLS half configured or unreadable: %j', async (env, message) => {
    await expect(createEmulatorApp({ EMULATOR_PORT: '0', LOG_LEVEL: 'silent', ...env })).rejects.toThrow(message);
  });
});
