import { spawnSync } from 'child_process';
import { join } from 'path';
import { startTestEmulator } from '../support/emulator';
import { TEST_REDIS_URL } from '../support/gateway';
import { deleteKeys } from '../support/redis-keys';
import { GATEWAY_ENTRY, ensureBuilt, freePort, startGatewayProcess } from '../ops/app-process';

const PREFIX = `test-auth-boot-${process.pid}`;
const ENTRY = join(__dirname, '..', '..', 'dist', GATEWAY_ENTRY);

/** Boots a gateway process (auth off, on an emulator) with `env`, stops it, cleans up; its boot log. */
async function bootAndStop(env: NodeJS.ProcessEnv): Promise<{ logs: Record<string, unknown>[]; emulatorUrl: string }> {
  const emulator = await startTestEmulator();
  const gateway = await startGatewayProcess({
    AUTH_DISABLED: 'true',
    DEEPGRAM_URL: emulator.url,
    REDIS_URL: TEST_REDIS_URL,
    BULLMQ_PREFIX: PREFIX,
    LOG_LEVEL: 'info',
    ...env,
  });
  await gateway.stop();
  await deleteKeys(`${PREFIX}:*`);
  await emulator.close();
  return { logs: gateway.logs, emulatorUrl: emulator.url };
}

describe('gateway boot: auth configuration', () => {
  beforeAll(() => ensureBuilt([GATEWAY_ENTRY]));

  it('refuses to start with neither AUTH_JWT_SECRET nor AUTH_DISABLED=true, naming the variable', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GATEWAY_PORT: String(await freePort()),
      REDIS_URL: TEST_REDIS_URL,
    };
    delete env.AUTH_JWT_SECRET;
    delete env.AUTH_DISABLED;
    const run = spawnSync(process.execPath, [ENTRY], { env, encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(1);
    expect(run.stderr + run.stdout).toContain('AUTH_JWT_SECRET is required unless AUTH_DISABLED=true');
  });

  it('warns loudly, once, when started with AUTH_DISABLED=true', async () => {
    const { logs } = await bootAndStop({});
    const warnings = logs.filter((l) => l.level === 40 && String(l.msg).includes('AUTH_DISABLED=true'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('client authentication is OFF');
  });

  it('warns at boot when DEEPGRAM_URL would take a real key elsewhere than Deepgram over TLS, without logging the key', async () => {
    const key = 'dg-key-that-must-not-be-logged';
    // The emulator's ws://127.0.0.1:<port>: what a key left beside the emulator's URL does.
    const { logs, emulatorUrl } = await bootAndStop({ DEEPGRAM_API_KEY: key });
    const host = new URL(emulatorUrl).host;
    const warnings = logs.filter((l) => l.level === 40 && String(l.msg).startsWith('DEEPGRAM_API_KEY'));
    expect(warnings.map((l) => l.msg)).toEqual([
      expect.stringContaining(`unencrypted (ws://) to ${host}`),
      expect.stringContaining(`${host}, which is not Deepgram`),
    ]);
    expect(JSON.stringify(logs)).not.toContain(key);
  });
});
