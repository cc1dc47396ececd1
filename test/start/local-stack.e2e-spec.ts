/**
 * `npm start` as a newcomer meets it: on a database that does not exist yet, the stack comes up, prints a
 * demo URL whose token works, the demo page loads, speech streams, the demo company is billed, the
 * printed mint command gives working tokens, logs read as text, and Ctrl-C (SIGINT) stops every process
 * with exit code 0 within a couple of seconds even with a session open; a second Ctrl-C kills at once.
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import { once } from 'events';
import { AddressInfo, createServer } from 'net';
import { join } from 'path';
import { freePort } from '../ops/app-process';
import { isDefined, pollUntil } from '../support/poll';
import { expectedAudioBytes } from '../support/emulator';
import { TestClient } from '../support/ws-client';
import { ADMIN_TOKEN, LocalStack, startLocalStack } from './local-stack-process';
import { expectedSignature, startWebhookReceiver, verifyLowBalanceWebhook } from '../billing/support/webhook-receiver';

const ROOT = join(__dirname, '..', '..');

async function expectAllDown(ports: LocalStack['ports']): Promise<void> {
  for (const port of Object.values(ports)) {
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  }
}

describe('npm start (the local stack)', () => {
  let local: LocalStack;
  let ports: LocalStack['ports'];
  let demoUrl: URL;

  beforeAll(async () => {
    local = await startLocalStack();
    ({ ports, demoUrl } = local);
  }, 90_000);

  afterAll(() => local?.remove());

  it('prints a demo URL for the demo company on the gateway port, with a client token', () => {
    expect(demoUrl.port).toBe(String(ports.gateway));
    expect(demoUrl.searchParams.get('company_id')).toMatch(/^demo-/);
    expect(demoUrl.searchParams.get('token')).toMatch(/^eyJ/);
    expect(local.output()).toMatch(/balance 100 credits/);
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

  it('prints "another company" commands that work pasted into a shell as printed: a funded company and a token', async () => {
    const lines = local.output().split('\n');
    const from = lines.findIndex((l) => l.includes('Another company'));
    expect(from).toBeGreaterThan(-1);
    const block = lines.slice(from + 1, from + 5).map((l) => l.trim());
    expect(block[0]).toBe('COMPANY=my-company USER_ID=my-user');
    // As a developer pastes it (from the repository's root, where `npm start` runs), the token last.
    // The stack was given its admin token in the environment, so the lines read $BILLING_ADMIN_TOKEN.
    const printed = execFileSync('bash', ['-e', '-c', block.join('\n')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BILLING_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    expect(printed).not.toMatch(/"statusCode":4\d\d/); // the company was created and funded
    const token = printed.trim().split('\n').at(-1)!;
    const query = new URLSearchParams({ company_id: 'my-company', user_id: 'my-user', session_id: 'pasted-1', token });
    const client = await TestClient.connect(`ws://127.0.0.1:${ports.gateway}/tts/deepgram/stream?${query}`);
    client.send({ type: 'Speak', text: 'Pegado tal cual.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed'); // funded: the company's 10 credits admitted it
    client.send({ type: 'Close' });
    expect((await client.closed).code).toBe(1000);
  });

  it('prints the webhook signing secret it generated, the one billing signs low-balance webhooks with', async () => {
    const secret = /^\s+Webhook secret: export WEBHOOK_SIGNING_SECRET=([0-9a-f]{48})\s/m.exec(local.output())?.[1];
    expect(secret).toBeDefined();
    const receiver = await startWebhookReceiver();
    try {
      const api = `http://127.0.0.1:${ports.billing}/v1/companies/hooked`;
      const call = async (method: string, path: string, body: unknown) => {
        const res = await fetch(api + path, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status).toBeLessThan(300);
      };
      await call('PUT', '', { name: 'Hooked' });
      await call('POST', '/credits', { amount: 10, reference: 'hooked-1' });
      await call('PUT', '/low-balance-alert', { threshold_credits: 5, webhook_url: receiver.url('/hook') });
      await call('POST', '/credits', { amount: -6, reference: 'hooked-2' }); // 10 -> 4: a crossing
      const [hook] = await pollUntil(
        () => (receiver.received.length > 0 ? receiver.received : undefined),
        isDefined,
        15_000,
        'the low-balance webhook',
      );
      expect(hook.signature).toBe(expectedSignature(hook.raw, secret!));
      expect(verifyLowBalanceWebhook(hook.bytes, hook.signature, secret!)).toMatchObject({ company_id: 'hooked' });
    } finally {
      await receiver.close();
    }
  });

  it("shows the parts' logs as readable text, not JSON", () => {
    const partLines = local
      .output()
      .split('\n')
      .filter((line) => /^\[(gateway|billing)\] /.test(line));
    expect(partLines.length).toBeGreaterThan(0);
    expect(partLines.filter((line) => /^\[\w+\] \{/.test(line))).toEqual([]);
  });

  it('stops every process on a terminal Ctrl-C with exit code 0 within 2 s, even with a session open', async () => {
    const open = await local.openSession('open-at-ctrl-c');
    const pressed = Date.now();
    local.ctrlC();
    expect(await local.exited).toBe(0);
    // Production drains for 30 s; locally the open session is ended at once (server_shutdown, 1001).
    // The promised bound, not a benchmark.
    expect(Date.now() - pressed).toBeLessThan(2000);
    expect((await open.closed).code).toBe(1001);
    await expectAllDown(ports);
  }, 60_000);
});

describe('npm start with a long drain (DRAIN_TIMEOUT_MS=60000)', () => {
  let local: LocalStack;

  beforeAll(async () => {
    local = await startLocalStack({ DRAIN_TIMEOUT_MS: '60000' });
  }, 90_000);
  afterAll(() => local?.remove());

  it('stops at once on a second Ctrl-C while the first one waits for an open session', async () => {
    await local.openSession('open-at-double-ctrl-c');
    local.child.kill('SIGINT');
    await pollUntil(() => (/stopping/.test(local.output()) ? true : undefined), isDefined, 5000, 'the stop to begin');
    const pressed = Date.now();
    local.child.kill('SIGINT');
    expect(await local.exited).toBe(130);
    expect(Date.now() - pressed).toBeLessThan(2000);
    await expectAllDown(local.ports);
  }, 60_000);
});

describe('npm start when a port is already taken (another stack running)', () => {
  /** Runs the script with `ports`; returns its exit code and everything it printed. */
  const runWith = (ports: Record<'GATEWAY_PORT' | 'BILLING_PORT' | 'EMULATOR_PORT', number>) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      // Never reached: the check comes before the migration.
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test_local_stack_never_created',
    };
    delete env.DEEPGRAM_API_KEY;
    const run = spawnSync(process.execPath, [join(ROOT, 'dist/scripts/start-local.js')], {
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: run.status, output: run.stdout + run.stderr };
  };

  // Compose publishes its ports on 127.0.0.1 only; another npm start listens on every address.
  it.each(['::', '127.0.0.1'])(
    'stops before starting anything when a server listens on %s, naming the port and its variable',
    async (host) => {
      const other = createServer().listen(0, host);
      await once(other, 'listening');
      const taken = (other.address() as AddressInfo).port;
      try {
        const run = runWith({ GATEWAY_PORT: taken, BILLING_PORT: await freePort(), EMULATOR_PORT: await freePort() });
        expect(run.status).toBe(1);
        expect(run.output).toContain(`port ${taken} for the gateway is taken`);
        expect(run.output).toContain('set GATEWAY_PORT');
        expect(run.output).not.toMatch(/\[(billing|emulator|gateway)\]/); // no part was started
      } finally {
        other.close();
      }
    },
  );

  it('does not hang on a listener that never accepts (its queue full: connects go unanswered)', async () => {
    // Node accepts every connection itself, so the stuck listener is a few lines of Python (on every
    // machine of ours): backlog 0, its queue filled, nothing accepted.
    const stuck = spawn('python3', [
      '-c',
      [
        'import socket, time',
        's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
        'port = s.getsockname()[1]',
        'fill = []',
        'for i in range(4):',
        '    c = socket.socket(); c.setblocking(False)',
        '    try: c.connect(("127.0.0.1", port))',
        '    except BlockingIOError: pass',
        '    fill.append(c)',
        'print(port, flush=True)',
        'time.sleep(60)',
      ].join('\n'),
    ]);
    try {
      const [line] = (await once(stuck.stdout!, 'data')) as [Buffer];
      const taken = Number(line.toString().trim());
      const run = runWith({ GATEWAY_PORT: taken, BILLING_PORT: await freePort(), EMULATOR_PORT: await freePort() });
      expect(run.status).toBe(1); // within spawnSync's 20 s, where the kernel's own connect timeout is ~2 min
      expect(run.output).toContain(`port ${taken} for the gateway is taken`);
    } finally {
      stuck.kill();
    }
  });

  it('names every taken port at once, and says nothing about stopping what it never started', async () => {
    const others = [createServer().listen(0), createServer().listen(0)];
    await Promise.all(others.map((o) => once(o, 'listening')));
    const [billing, emulator] = others.map((o) => (o.address() as AddressInfo).port);
    try {
      const run = runWith({ GATEWAY_PORT: await freePort(), BILLING_PORT: billing, EMULATOR_PORT: emulator });
      expect(run.status).toBe(1);
      expect(run.output).toContain(`port ${billing} for the billing is taken`);
      expect(run.output).toContain(`port ${emulator} for the emulator is taken`);
      expect(run.output).not.toContain('stopping');
    } finally {
      others.forEach((o) => o.close());
    }
  });

  it('names a port variable that is not a port', () => {
    const run = runWith({ GATEWAY_PORT: Number.NaN, BILLING_PORT: 1, EMULATOR_PORT: 2 });
    expect(run.status).toBe(1);
    expect(run.output).toContain('GATEWAY_PORT: must be a port number (1-65535), got "NaN"');
  });

  it('refuses two parts on the same port', async () => {
    const port = await freePort();
    const run = runWith({ GATEWAY_PORT: port, BILLING_PORT: port, EMULATOR_PORT: await freePort() });
    expect(run.status).toBe(1);
    expect(run.output).toContain(`BILLING_PORT and GATEWAY_PORT are both ${port}`);
  });
});
