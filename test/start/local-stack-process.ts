import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { join } from 'path';
import { createInterface } from 'readline';
import { dropDatabase } from '../../apps/billing/src/database/migrate';
import { ensureBuilt, freePort } from '../ops/app-process';
import { isDefined, pollUntil } from '../support/poll';
import { deleteKeys } from '../support/redis-keys';
import { TestClient } from '../support/ws-client';

const ROOT = join(__dirname, '..', '..');
export const ADMIN_TOKEN = 'local-stack-test-admin-token';

export interface LocalStack {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  ports: { gateway: number; billing: number; emulator: number };
  demoUrl: URL;
  exited: Promise<number | null>;
  /** A terminal's Ctrl-C: SIGINT to the whole process group (the stack and every part it started). */
  ctrlC(): void;
  /** A session on the demo company, open and connected upstream. */
  openSession(sessionId: string): Promise<TestClient>;
  /** Kills what is left, drops the stack's database and deletes its Redis namespace. */
  remove(): Promise<void>;
}

/** `npm start` (dist/scripts/start-local.js) on free ports and a database of its own, up to its demo URL. */
export async function startLocalStack(extraEnv: NodeJS.ProcessEnv = {}): Promise<LocalStack> {
  await ensureBuilt(['scripts/start-local.js', 'apps/gateway/src/main.js', 'apps/billing/src/main.js']);
  const ports = { gateway: await freePort(), billing: await freePort(), emulator: await freePort() };
  const db = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/tts');
  db.pathname = `/test_local_stack_${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GATEWAY_PORT: String(ports.gateway),
    BILLING_PORT: String(ports.billing),
    EMULATOR_PORT: String(ports.emulator),
    DATABASE_URL: db.toString(),
    BULLMQ_PREFIX: `test-local-stack-${process.pid}-${randomBytes(3).toString('hex')}`,
    BILLING_ADMIN_TOKEN: ADMIN_TOKEN,
    DEMO_COMPANY_ID: `demo-${randomBytes(3).toString('hex')}`,
    EMULATOR_SPEED: '0',
    EMULATOR_TTFB_MS: '0',
    USAGE_FLUSH_INTERVAL_MS: '500',
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  delete env.DEEPGRAM_API_KEY;
  delete env.DEEPGRAM_URL;
  delete env.AUTH_JWT_SECRET;
  delete env.WEBHOOK_SIGNING_SECRET; // generated for the run, and printed
  // A process group of its own, as in a terminal: ctrlC() signals the group as the terminal does.
  const child = spawn(process.execPath, [join(ROOT, 'dist/scripts/start-local.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => (output += `${line}\n`));
  }
  const demoUrl = new URL(
    await pollUntil(() => /Demo page:\s+(\S+)/.exec(output)?.[1], isDefined, 60_000, 'the demo URL'),
  );
  return {
    child,
    output: () => output,
    ports,
    demoUrl,
    exited,
    ctrlC: () => process.kill(-child.pid!, 'SIGINT'),
    async openSession(sessionId) {
      const query = new URLSearchParams(demoUrl.search);
      query.set('session_id', sessionId);
      const client = await TestClient.connect(`ws://127.0.0.1:${ports.gateway}/tts/deepgram/stream?${query}`);
      client.send({ type: 'Speak', text: 'Still talking when the developer presses Ctrl-C.' });
      await client.waitFor((m) => m.message === 'Deepgram TTS connected');
      return client;
    },
    async remove() {
      if (child.exitCode === null) {
        // Ctrl-C twice: the stack kills its parts itself (a SIGKILL here would orphan them).
        child.kill('SIGINT');
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (child.exitCode === null) child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await dropDatabase(db.toString());
      await deleteKeys(`${env.BULLMQ_PREFIX}:*`);
    },
  };
}
