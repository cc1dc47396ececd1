/**
 * `npm start` as a newcomer meets it: on a database that does not exist yet, the stack comes up, prints a
 * demo URL whose token works, the demo page loads, speech streams, the demo company is billed, and
 * Ctrl-C (SIGINT) stops every process with exit code 0.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { join } from 'path';
import { createInterface } from 'readline';
import { dropDatabase } from '../../apps/billing/src/database/migrate';
import { ensureBuilt, freePort } from '../ops/app-process';
import { expectedAudioBytes } from '../support/emulator';
import { TestClient } from '../support/ws-client';
import { isDefined, pollUntil } from '../support/poll';

const ROOT = join(__dirname, '..', '..');
const ADMIN_TOKEN = 'local-stack-test-admin-token';

describe('npm start (the local stack)', () => {
  let stack: ChildProcess;
  let output = '';
  let databaseUrl: string;
  let ports: { gateway: number; billing: number; emulator: number };
  let demoUrl: URL;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    await ensureBuilt(['scripts/start-local.js', 'apps/gateway/src/main.js', 'apps/billing/src/main.js']);
    ports = { gateway: await freePort(), billing: await freePort(), emulator: await freePort() };
    const db = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/tts');
    db.pathname = `/test_local_stack_${randomBytes(4).toString('hex')}`;
    databaseUrl = db.toString();

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GATEWAY_PORT: String(ports.gateway),
      BILLING_PORT: String(ports.billing),
      EMULATOR_PORT: String(ports.emulator),
      DATABASE_URL: databaseUrl,
      BULLMQ_PREFIX: `test-local-stack-${process.pid}`,
      BILLING_ADMIN_TOKEN: ADMIN_TOKEN,
      DEMO_COMPANY_ID: `demo-${randomBytes(3).toString('hex')}`,
      EMULATOR_SPEED: '0',
      EMULATOR_TTFB_MS: '0',
      USAGE_FLUSH_INTERVAL_MS: '500',
      LOG_LEVEL: 'warn',
    };
    delete env.DEEPGRAM_API_KEY;
    delete env.DEEPGRAM_URL;
    delete env.AUTH_JWT_SECRET;
    stack = spawn(process.execPath, [join(ROOT, 'dist/scripts/start-local.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) => stack.once('exit', (code) => resolve(code)));
    for (const stream of [stack.stdout!, stack.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => (output += `${line}\n`));
    }
    const url = await pollUntil(() => /Demo page:\s+(\S+)/.exec(output)?.[1], isDefined, 60_000, 'the demo URL');
    demoUrl = new URL(url);
  }, 90_000);

  afterAll(async () => {
    if (stack && stack.exitCode === null) stack.kill('SIGKILL');
    await dropDatabase(databaseUrl);
  });

  it('prints a demo URL for the demo company on the gateway port, with a client token', () => {
    expect(demoUrl.port).toBe(String(ports.gateway));
    expect(demoUrl.searchParams.get('company_id')).toMatch(/^demo-/);
    expect(demoUrl.searchParams.get('token')).toMatch(/^eyJ/);
    expect(output).toMatch(/balance 100 credits/);
  });

  it('serves the demo page at that URL', async () => {
    const res = await fetch(demoUrl.toString().replace('localhost', '127.0.0.1'));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<html/i);
  });

  it('streams speech with the printed token and bills the demo company for it', async () => {
    const text = 'Hola, ¿cómo estás?';
    const query = new URLSearchParams(demoUrl.search);
    query.set('session_id', 'local-stack-test');
    const client = await TestClient.connect(`ws://127.0.0.1:${ports.gateway}/tts/deepgram/stream?${query}`);
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    client.send({ type: 'Close' });
    const close = await client.closed;
    expect(close.code).toBe(1000);
    const usage = client.texts.find((t) => t.message === 'closed')?.usage as { audio_bytes: number; seconds: number };
    const bytes = expectedAudioBytes(text, 'linear16', 16000);
    expect(usage.audio_bytes).toBe(bytes);

    const company = query.get('company_id')!;
    const expectedBalance = Number((100 - bytes / 32000 / 60).toFixed(6));
    const balance = await pollUntil(
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.billing}/v1/companies/${company}`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const body = (await res.json()) as { balance_credits: number };
        return body.balance_credits === expectedBalance ? body.balance_credits : undefined;
      },
      isDefined,
      15_000,
      `balance ${expectedBalance}`,
    );
    expect(balance).toBe(expectedBalance);
  }, 30_000);

  it('stops every process on Ctrl-C with exit code 0', async () => {
    stack.kill('SIGINT');
    expect(await exited).toBe(0);
    const ports_ = Object.values(ports);
    for (const port of ports_) {
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    }
  }, 60_000);
});
