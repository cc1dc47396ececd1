/**
 * `npm start` as a newcomer meets it: on a database that does not exist yet, the stack comes up, prints a
 * demo URL whose token works, the demo page loads, speech streams, the demo company is billed, the
 * printed mint command gives working tokens, logs read as text, and Ctrl-C (SIGINT) stops every process
 * with exit code 0 within a couple of seconds even with a session open.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { join } from 'path';
import { createInterface } from 'readline';
import { dropDatabase } from '../../apps/billing/src/database/migrate';
import { ensureBuilt, eventually, freePort } from '../ops/app-process';
import { expectedAudioBytes } from '../support/emulator';
import { TestClient } from '../support/ws-client';

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
      LOG_LEVEL: 'info',
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
    const url = await eventually(() => /Demo page:\s+(\S+)/.exec(output)?.[1], 60_000, 'the demo URL');
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
    const balance = await eventually(
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.billing}/v1/companies/${company}`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const body = (await res.json()) as { balance_credits: number };
        return body.balance_credits === expectedBalance ? body.balance_credits : undefined;
      },
      15_000,
      `balance ${expectedBalance}`,
    );
    expect(balance).toBe(expectedBalance);
  }, 30_000);

  it('prints a mint command whose tokens open sessions (here for another user of the demo company)', async () => {
    const mint = /AUTH_JWT_SECRET=(\S+) node (\S+) --company <COMPANY> --user <USER>/.exec(output)!;
    expect(mint).not.toBeNull();
    const company = demoUrl.searchParams.get('company_id')!;
    const token = execFileSync(process.execPath, [join(ROOT, mint[2]), '--company', company, '--user', 'minted'], {
      env: { ...process.env, AUTH_JWT_SECRET: mint[1] },
      encoding: 'utf8',
    }).trim();
    const query = new URLSearchParams({ company_id: company, user_id: 'minted', session_id: 'minted-1', token });
    const client = await TestClient.connect(`ws://127.0.0.1:${ports.gateway}/tts/deepgram/stream?${query}`);
    client.send({ type: 'Close' });
    expect((await client.closed).code).toBe(1000);
  });

  it("shows the parts' logs as readable text, not JSON", () => {
    const partLines = output.split('\n').filter((line) => /^\[(gateway|billing)\] /.test(line));
    expect(partLines.length).toBeGreaterThan(0);
    expect(partLines.filter((line) => /^\[\w+\] \{/.test(line))).toEqual([]);
  });

  it('stops every process on Ctrl-C with exit code 0 within seconds, even with a session open', async () => {
    const query = new URLSearchParams(demoUrl.search);
    query.set('session_id', 'open-at-ctrl-c');
    const open = await TestClient.connect(`ws://127.0.0.1:${ports.gateway}/tts/deepgram/stream?${query}`);
    open.send({ type: 'Speak', text: 'Still talking when the developer presses Ctrl-C.' });
    await open.waitFor((m) => m.message === 'Deepgram TTS connected');

    const pressed = Date.now();
    stack.kill('SIGINT');
    expect(await exited).toBe(0);
    // Production drains for 30 s; locally the open session is ended at once (server_shutdown, 1001).
    expect(Date.now() - pressed).toBeLessThan(5000);
    expect((await open.closed).code).toBe(1001);
    const ports_ = Object.values(ports);
    for (const port of ports_) {
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    }
  }, 60_000);
});
