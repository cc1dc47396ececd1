/**
 * Graceful drain of a real gateway process (SYSTEM.md, Operating it): SIGTERM mid-utterance, against
 * the emulator paced in real time. The operator's view (health, metrics, exit code) and the client's.
 */
import { randomBytes } from 'crypto';
import { UsageEvent } from '@tts/protocol';
import { RunningEmulator, expectedAudioBytes, startTestEmulator } from '../support/emulator';
import { cleanupFunding, fundCompany } from '../support/gateway';
import { testAuthEnv, tokenFor } from '../support/tokens';
import { TestClient } from '../support/ws-client';
import { AppProcess, GATEWAY_ENTRY, ensureBuilt, scrape, startGatewayProcess, streamUrl } from './app-process';
import { UsageQueueReader } from './usage-queue';
import { isDefined, pollUntil } from '../support/poll';

const RUN = `ops-drain-${process.pid}-${randomBytes(3).toString('hex')}`;
const COMPANY = `${RUN}-co`;
// At CHARACTER_MS = 60 per character and speed 1: about 1.9 s and 6 s of audio.
const SHORT_TEXT = 'Hola, esto es una prueba.';
const UTTERANCE = 'Se cierra el servidor, pero esta frase termina.';
const LONG_TEXT = 'Esta frase es mucho mas larga que el plazo de cierre y no llegara a terminar nunca antes.';
const audioBytesOf = (text: string) => expectedAudioBytes(text, 'linear16', 16000);
const bytesReceived = (client: TestClient) => client.audio.reduce((sum, frame) => sum + frame.length, 0);

async function openSession(gateway: AppProcess, sessionId: string): Promise<TestClient> {
  const token = await tokenFor(COMPANY, 'ops-user');
  const query = { company_id: COMPANY, user_id: 'ops-user', session_id: sessionId, token };
  const client = await TestClient.connect(streamUrl(gateway, query));
  client.send({ container: 'none' });
  return client;
}

async function speak(client: TestClient, text: string): Promise<void> {
  client.send({ type: 'Speak', text });
  client.send({ type: 'Flush' });
  await pollUntil(() => (client.audio.length > 0 ? true : undefined), isDefined, 5000, 'first audio');
}

interface HealthBody {
  status: string;
  error: Record<string, { status: string; message?: string }>;
}

async function readiness(gateway: AppProcess): Promise<{ status: number; body: HealthBody }> {
  const res = await fetch(`${gateway.baseUrl}/health/ready`);
  return { status: res.status, body: (await res.json()) as HealthBody };
}

describe('gateway drain on SIGTERM (real process)', () => {
  let emulator: RunningEmulator;
  let usage: UsageQueueReader;
  const gateways: AppProcess[] = [];

  const startGateway = async (drainTimeoutMs: number) => {
    const gateway = await startGatewayProcess({
      ...testAuthEnv,
      DEEPGRAM_URL: emulator.url,
      DEEPGRAM_API_KEY: 'test-deepgram-key',
      BULLMQ_PREFIX: RUN,
      DRAIN_TIMEOUT_MS: String(drainTimeoutMs),
      // Long interval: each session's only usage event is its final one.
      USAGE_FLUSH_INTERVAL_MS: '60000',
    });
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    await ensureBuilt([GATEWAY_ENTRY]);
    emulator = await startTestEmulator({ speed: 1, ttfbMs: 150 });
    usage = new UsageQueueReader(RUN);
    await fundCompany(COMPANY, 1000, RUN);
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await usage?.close();
    await emulator?.close();
    await cleanupFunding();
  });

  it('finishes the active utterance, refuses new sessions, bills it and exits 0', async () => {
    const gateway = await startGateway(10_000);

    // A complete session first: what the metrics say about it.
    const warmup = await openSession(gateway, `${RUN}-warmup`);
    await speak(warmup, SHORT_TEXT);
    await warmup.waitFor('Flushed', 5000);
    warmup.send({ type: 'Close' });
    await warmup.waitForClose();
    const metric = await scrape(gateway);
    expect(metric('tts_gateway_sessions_started_total')).toBe(1);
    expect(metric('tts_gateway_audio_bytes_relayed_total')).toBe(audioBytesOf(SHORT_TEXT));
    expect(metric('tts_gateway_flush_to_first_audio_seconds_count')).toBe(1);
    expect(metric('tts_gateway_flush_to_first_audio_seconds_sum')).toBeGreaterThanOrEqual(0.1); // the 150 ms TTFB
    expect(metric('tts_gateway_usage_events_published_total')).toBe(1);
    expect(metric('tts_gateway_active_sessions')).toBe(0);

    const client = await openSession(gateway, `${RUN}-drained`);
    await speak(client, UTTERANCE);
    expect((await scrape(gateway))('tts_gateway_active_sessions')).toBe(1);
    const sigtermAt = Date.now();
    gateway.child.kill('SIGTERM');

    const notReady = await pollUntil(
      async () => {
        const r = await readiness(gateway);
        return r.status === 503 ? r : undefined;
      },
      isDefined,
      1000,
      'readiness to fail',
    );
    expect(Date.now() - sigtermAt).toBeLessThan(1000);
    expect(notReady.body.error.sessions).toMatchObject({ status: 'down', message: 'draining' });
    expect((await scrape(gateway))('tts_gateway_draining')).toBe(1);

    const late = await openSession(gateway, `${RUN}-late`);
    expect(await late.waitForClose(2000)).toEqual({ code: 1001, reason: 'server_shutdown' });
    expect(late.texts).toContainEqual(expect.objectContaining({ type: 'error', code: 'server_shutdown' }));
    expect(late.audio).toHaveLength(0);

    await client.waitFor('Flushed', 5000);
    expect(bytesReceived(client)).toBe(audioBytesOf(UTTERANCE));
    client.send({ type: 'Close' });
    await client.waitFor((m) => m.type === 'status' && m.message === 'closed');
    expect(await client.waitForClose()).toMatchObject({ code: 1000 });

    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    const events = await usage.events(`${RUN}-drained`);
    expect(events).toEqual([
      expect.objectContaining<Partial<UsageEvent>>({ final: true, audio_bytes: audioBytesOf(UTTERANCE) }),
    ]);
    expect(await usage.events(`${RUN}-late`)).toEqual([]);
    expect(gateway.logs).toContainEqual(expect.objectContaining({ msg: 'drain finished', forced: false }));
    const logText = JSON.stringify(gateway.logs);
    for (const spoken of [SHORT_TEXT, UTTERANCE]) expect(logText).not.toContain(spoken);
  });

  it('past DRAIN_TIMEOUT_MS ends the remaining sessions with server_shutdown (1001), bills what they got, exits 0', async () => {
    const gateway = await startGateway(1000);
    const client = await openSession(gateway, `${RUN}-cut`);
    await speak(client, LONG_TEXT);

    const sigtermAt = Date.now();
    gateway.child.kill('SIGTERM');
    expect(await client.waitForClose(5000)).toEqual({ code: 1001, reason: 'server_shutdown' });
    const elapsed = Date.now() - sigtermAt;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3000);
    expect(client.texts).toContainEqual(expect.objectContaining({ type: 'error', code: 'server_shutdown' }));
    const received = bytesReceived(client);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(audioBytesOf(LONG_TEXT));

    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    const events = await usage.events(`${RUN}-cut`);
    expect(events).toEqual([expect.objectContaining<Partial<UsageEvent>>({ final: true, audio_bytes: received })]);
    expect(gateway.logs).toContainEqual(expect.objectContaining({ msg: 'drain finished', forced: true }));
  });
});
