/**
 * A gateway whose stdout nobody reads (a stuck log collector) keeps relaying, and the lines it logged
 * meanwhile arrive once the pipe drains: logging never blocks the event loop and, under its cap, loses
 * nothing. A real process whose stdout is a real pipe (a FIFO, 64 KiB like a container's stdout) that
 * this test leaves unread while the sessions run.
 */
import { randomBytes } from 'crypto';
import { RunningEmulator, expectedAudioBytes, startTestEmulator } from '../support/emulator';
import { Fifo, openFifo, readUntil } from '../support/fifo';
import { cleanupFunding, deleteNamespace, fundCompany } from '../support/gateway';
import { testAuthEnv, tokenFor } from '../support/tokens';
import { TestClient } from '../support/ws-client';
import { AppProcess, GATEWAY_ENTRY, ensureBuilt, startApp, streamUrl } from './app-process';

const RUN = `ops-logpipe-${process.pid}-${randomBytes(3).toString('hex')}`;
const COMPANY = `${RUN}-co`;
const TEXT = 'Hola.';
const SESSIONS = 200;
const CONCURRENT = 20;
// Long ids (the most the protocol takes) make every line of a session longer.
const USER = `ops-user-${'u'.repeat(100)}`;
const PIPE_CAPACITY = 64 * 1024; // Linux's default pipe buffer

async function oneSession(gateway: AppProcess, sessionId: string, token: string): Promise<number> {
  const query = { company_id: COMPANY, user_id: USER, session_id: sessionId, token };
  const client = await TestClient.connect(streamUrl(gateway, query));
  client.send({ encoding: 'linear16', sample_rate: 16000, container: 'none' });
  client.send({ type: 'Speak', text: TEXT });
  client.send({ type: 'Flush' });
  await client.waitFor('Flushed');
  client.send({ type: 'Close' });
  await client.waitForClose();
  return client.audio.reduce((sum, frame) => sum + frame.length, 0);
}

describe('gateway logging with a stuck stdout (real process)', () => {
  let emulator: RunningEmulator;
  let gateway: AppProcess | undefined;
  let stdout: Fifo;

  beforeAll(async () => {
    await ensureBuilt([GATEWAY_ENTRY]);
    emulator = await startTestEmulator({ ttfbMs: 0, speed: 50 });
    await fundCompany(COMPANY, 1000, RUN);
    stdout = openFifo();
  });

  afterAll(async () => {
    await gateway?.stop();
    stdout?.close();
    await emulator?.close();
    await cleanupFunding();
    await deleteNamespace(RUN);
  });

  it('relays every session while nobody reads its logs, then delivers every line it logged', async () => {
    const env = {
      ...testAuthEnv,
      DEEPGRAM_URL: emulator.url,
      DEEPGRAM_API_KEY: 'test-deepgram-key',
      BULLMQ_PREFIX: RUN,
      LOG_LEVEL: 'trace',
    };
    gateway = await startApp('gateway', GATEWAY_ENTRY, 'GATEWAY_PORT', env, 20_000, '/health/ready', stdout.writeFd);
    const token = await tokenFor(COMPANY, USER);
    const startup = await readUntil(stdout.readFd, (t) => t.includes('Nest application successfully started'), 5000);

    // Nobody reads the pipe from here on: it fills after a few hundred lines.
    const received: number[] = [];
    for (let i = 0; i < SESSIONS; i += CONCURRENT) {
      const ids = Array.from(
        { length: Math.min(CONCURRENT, SESSIONS - i) },
        (_, j) => `${RUN}-${'s'.repeat(90)}-${i + j}`,
      );
      received.push(...(await Promise.all(ids.map((id) => oneSession(gateway!, id, token)))));
    }
    const live = await fetch(`${gateway.baseUrl}/health/live`);
    expect(live.status).toBe(200);
    expect(received).toEqual(Array(SESSIONS).fill(expectedAudioBytes(TEXT, 'linear16', 16000)));

    // Every session's end is in the logs once the pipe is read again, none dropped.
    const endedIds = (text: string) =>
      new Set(
        text
          .split('\n')
          .filter((line) => line.includes('"session ended"'))
          .map((line) => String((JSON.parse(line) as { session_id: string }).session_id)),
      );
    const later = await readUntil(stdout.readFd, (t) => endedIds(t).size >= SESSIONS, 10_000);
    expect(endedIds(later).size).toBe(SESSIONS);
    // What it logged meanwhile is more than the pipe holds: the gateway ran ahead of its stdout. (Logging
    // with a write(2) per line, it stopped at the first full pipe, within the first sessions.)
    expect(startup.length).toBeGreaterThan(0);
    expect(later.length).toBeGreaterThan(2 * PIPE_CAPACITY);
  }, 120_000);
});
