/**
 * `npm start`: the whole local stack in one foreground command, on this machine's Redis and Postgres.
 * Migrates the database (creating it if missing), starts billing, the emulator (unless DEEPGRAM_API_KEY
 * is set) and the gateway, funds a demo company, and prints a ready demo URL and how to mint more tokens,
 * and the admin token and webhook signing secret it generated (unless they were given).
 * Logs are shown human-readable. Ctrl-C stops everything within a couple of seconds (local drain of
 * LOCAL_DRAIN_MS, open sessions end with server_shutdown); a second Ctrl-C kills at once.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { connect, createServer } from 'net';
import { join } from 'path';
import { createInterface } from 'readline';
import { mintClientToken } from '../apps/gateway/src/auth/mint-token';
import { GATEWAY_NODE_FLAGS } from '../apps/gateway/src/node-flags';
import { localLogLine } from './local-logs';

const DIST = join(__dirname, '..');
const DEMO_COMPANY = process.env.DEMO_COMPANY_ID ?? 'demo';
const DEMO_USER = process.env.DEMO_USER_ID ?? 'demo-user';
const DEMO_CREDITS = 100;
/** Local only: sessions get this long to finish on Ctrl-C (production drains for DRAIN_TIMEOUT_MS, 30 s). */
const LOCAL_DRAIN_MS = '500';
/** How long the port check waits for a connect to be answered. */
const PORT_PROBE_TIMEOUT_MS = 1000;
/** Past this, the stop stops waiting for a part and kills it. */
const STOP_DEADLINE_MS = 8000;

interface Part {
  name: string;
  entry: string;
  port: number;
  /** The variable that sets the port, for the message when it is taken. */
  portVar: string;
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  // Local development only: secrets are made up per run unless given.
  AUTH_JWT_SECRET: process.env.AUTH_JWT_SECRET ?? randomBytes(32).toString('hex'),
  BILLING_ADMIN_TOKEN: process.env.BILLING_ADMIN_TOKEN ?? randomBytes(24).toString('hex'),
  DEMO_PAGE: process.env.DEMO_PAGE ?? 'true',
  WEBHOOK_SIGNING_SECRET: process.env.WEBHOOK_SIGNING_SECRET ?? randomBytes(24).toString('hex'),
  // A local receiver (e.g. http://127.0.0.1:9000/hook) is the point of trying webhooks locally.
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: process.env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES ?? 'true',
  DRAIN_TIMEOUT_MS: process.env.DRAIN_TIMEOUT_MS ?? LOCAL_DRAIN_MS,
};
/** A port from the environment, or a clear stop naming the variable (the apps' own config checks come later). */
function portFrom(name: string, fallback: number): number {
  const raw = env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (Number.isInteger(port) && port > 0 && port < 65536) return port;
  console.error(`[start] ${name}: must be a port number (1-65535), got ${JSON.stringify(raw)}`);
  process.exit(1);
}
const gatewayPort = portFrom('GATEWAY_PORT', 8080);
const billingPort = portFrom('BILLING_PORT', 8081);
const emulatorPort = portFrom('EMULATOR_PORT', 8090);
if (!env.DEEPGRAM_API_KEY && !env.DEEPGRAM_URL) env.DEEPGRAM_URL = `ws://127.0.0.1:${emulatorPort}/v1/speak`;

const children: ChildProcess[] = [];
let stopping = false;
let gatewayChild: ChildProcess | undefined;

function run(name: string, entry: string, nodeFlags: readonly string[] = []): ChildProcess {
  // Out of the terminal's process group: a Ctrl-C reaches only this script, which stops the parts in
  // order (the gateway's drain first); reaching them all at once, the upstream died under open sessions.
  const child = spawn(process.execPath, [...nodeFlags, join(DIST, entry)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(localLogLine(name, line)));
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping the stack`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

function runToCompletion(name: string, entry: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = run(name, entry);
    children.splice(children.indexOf(child), 1);
    child.removeAllListeners('exit');
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed with exit code ${code}`))));
  });
}

const TAKEN = 'is taken (another npm start, docker compose up?)';

/** Why `port` cannot be ours: something answers on it, or it cannot be listened on; undefined when free. */
async function portProblem(port: number): Promise<string | undefined> {
  // A listener on one address does not always stop a wildcard listen (macOS lets both bind): ask it.
  for (const host of ['127.0.0.1', '::1']) {
    const answered = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      // A connect nobody answers (a filtered loopback, a listener that never accepts) must not hang the
      // start: the listen below decides then.
      socket.setTimeout(PORT_PROBE_TIMEOUT_MS, () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (answered) return TAKEN;
  }
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'EADDRINUSE' ? TAKEN : `cannot be listened on (${err.code})`),
    );
    probe.listen(port, () => probe.close(() => resolve(undefined)));
  });
}

/**
 * Every port must be free before anything starts: a part that cannot listen exits at once, but another
 * stack already on that port answers the readiness probe, and the run would report its refusals instead.
 */
async function assertPortsFree(parts: Part[]): Promise<void> {
  const problems: string[] = [];
  for (const part of parts) {
    const clash = parts.find((other) => other !== part && other.port === part.port);
    if (clash)
      throw new Error(`${part.portVar} and ${clash.portVar} are both ${part.port}: give each part its own port`);
    const problem = await portProblem(part.port);
    if (problem) problems.push(`port ${part.port} for the ${part.name} ${problem}: stop that, or set ${part.portVar}`);
  }
  // Every taken port at once: one try tells the developer all there is to move.
  if (problems.length) throw new Error(problems.join('\n[start] '));
}

async function waitReady(part: Part, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${part.port}/health/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${part.name} was not ready on port ${part.port} within ${timeoutMs / 1000} s`);
}

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${billingPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.BILLING_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`billing ${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('[start] stopping (Ctrl-C again to kill at once)');
  const force = setTimeout(() => forceStop(), STOP_DEADLINE_MS);
  // The gateway first: its drain ends open sessions cleanly while billing and the upstream still run.
  const gateway = children.filter((c) => c === gatewayChild);
  await terminate(gateway);
  await terminate(children.filter((c) => c !== gatewayChild));
  clearTimeout(force);
  process.exit(exitCode);
}

function terminate(parts: ChildProcess[]): Promise<unknown> {
  const exited = parts.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))));
  for (const c of parts) c.kill('SIGTERM');
  return Promise.all(exited);
}

/** The second Ctrl-C: no more waiting for anyone. */
function forceStop(): void {
  for (const c of children) c.kill('SIGKILL');
  process.exit(130);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => (stopping ? forceStop() : void stop(0)));
  process.on('SIGTERM', () => void stop(0));
  // The terminal closed: the parts are not in its process group, so stop them here.
  process.on('SIGHUP', () => void stop(0));

  const parts: Part[] = [
    { name: 'billing', entry: 'apps/billing/src/main.js', port: billingPort, portVar: 'BILLING_PORT' },
  ];
  if (!env.DEEPGRAM_API_KEY) {
    parts.push({
      name: 'emulator',
      entry: 'apps/deepgram-emulator/src/main.js',
      port: emulatorPort,
      portVar: 'EMULATOR_PORT',
    });
  }
  parts.push({ name: 'gateway', entry: 'apps/gateway/src/main.js', port: gatewayPort, portVar: 'GATEWAY_PORT' });
  await assertPortsFree(parts);
  await runToCompletion('migrate', 'apps/billing/src/database/migrate.js');
  for (const part of parts) {
    const child = run(part.name, part.entry, part.name === 'gateway' ? GATEWAY_NODE_FLAGS : []);
    if (part.name === 'gateway') gatewayChild = child;
    await waitReady(part);
  }

  await admin('PUT', `/v1/companies/${DEMO_COMPANY}`, { name: 'Demo company' });
  let company = (await admin('GET', `/v1/companies/${DEMO_COMPANY}`)) as { balance_credits: number };
  // Top the demo company back up to DEMO_CREDITS on every start (a kept database runs it down over time).
  const refill = Math.round((DEMO_CREDITS - company.balance_credits) * 1e6) / 1e6;
  if (refill > 0) {
    await admin('POST', `/v1/companies/${DEMO_COMPANY}/credits`, {
      amount: refill,
      reference: `demo-refill-${DEMO_COMPANY}-${Date.now()}`,
    });
    company = (await admin('GET', `/v1/companies/${DEMO_COMPANY}`)) as { balance_credits: number };
  }
  const token = await mintClientToken({
    secret: env.AUTH_JWT_SECRET!,
    companyId: DEMO_COMPANY,
    userId: DEMO_USER,
    ttlSeconds: 12 * 3600,
  });

  const query = new URLSearchParams({ company_id: DEMO_COMPANY, user_id: DEMO_USER, token });
  console.log(
    [
      '',
      'TTS gateway is ready.',
      `  Demo page:      http://localhost:${gatewayPort}/?${query}`,
      `  WebSocket:      ws://localhost:${gatewayPort}/tts/deepgram/stream?company_id=${DEMO_COMPANY}&user_id=${DEMO_USER}&session_id=<SID>&token=<JWT>`,
      `  Upstream:       ${env.DEEPGRAM_API_KEY ? 'Deepgram' : `local emulator on port ${emulatorPort}`}`,
      `  Billing API:    http://localhost:${billingPort}/docs  queues: http://localhost:${billingPort}/admin/queues`,
      '                  (a browser asks for a login: any user name, the admin token as password)',
      // Local development only: a token made up for this run is shown so the admin API can be tried.
      process.env.BILLING_ADMIN_TOKEN
        ? '  Admin token:    $BILLING_ADMIN_TOKEN (from your environment)'
        : `  Admin token:    export BILLING_ADMIN_TOKEN=${env.BILLING_ADMIN_TOKEN}   (generated for this run; the README's curl lines read it)`,
      // Likewise the webhook secret: a local receiver needs it to verify the low-balance webhooks' signatures.
      process.env.WEBHOOK_SIGNING_SECRET
        ? '  Webhook secret: $WEBHOOK_SIGNING_SECRET (from your environment)'
        : `  Webhook secret: export WEBHOOK_SIGNING_SECRET=${env.WEBHOOK_SIGNING_SECRET}   (generated for this run; low-balance webhooks are signed with it)`,
      `  Demo company:   ${DEMO_COMPANY}, balance ${company.balance_credits} credits`,
      ...otherCompanyHelp(),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

/** How to speak as another company: create and fund it, then mint a token with this run's secret. */
function otherCompanyHelp(): string[] {
  const secret = process.env.AUTH_JWT_SECRET ? '$AUTH_JWT_SECRET' : env.AUTH_JWT_SECRET;
  const admin = process.env.BILLING_ADMIN_TOKEN ? '$BILLING_ADMIN_TOKEN' : env.BILLING_ADMIN_TOKEN;
  const api = `http://localhost:${billingPort}/v1/companies/$COMPANY`;
  // Double quotes: a token given as $BILLING_ADMIN_TOKEN must be expanded by the shell.
  const auth = `-w '\\n' -H "authorization: Bearer ${admin}" -H 'content-type: application/json'`;
  // Pasteable as printed: shell variables, not <placeholders> (which a shell reads as redirections).
  return [
    '  Another company (paste as is, or change COMPANY and USER_ID first):',
    '    COMPANY=my-company USER_ID=my-user',
    `    curl -X PUT ${api} ${auth} -d '{"name":"My company"}'`,
    `    curl -X POST ${api}/credits ${auth} -d '{"amount":10,"reference":"'$COMPANY'-first-top-up"}'`,
    `    AUTH_JWT_SECRET=${secret} node dist/apps/gateway/src/auth/mint-token.cli.js --company $COMPANY --user $USER_ID`,
  ];
}

main().catch((error: Error) => {
  console.error(`[start] ${error.message}`);
  if (children.length === 0) process.exit(1); // nothing started, nothing to stop
  void stop(1);
});
