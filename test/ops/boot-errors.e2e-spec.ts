import { execFile } from 'child_process';
import { join } from 'path';
import { promisify } from 'util';

const ROOT = join(__dirname, '../..');
const SECRET = 's3cr3t-pa55';

/** Runs a built command with `env` on top of a clean environment; its exit code and stderr. */
async function run(script: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await promisify(execFile)(process.execPath, [join(ROOT, script)], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env },
      timeout: 20_000,
    });
    return { code: 0, stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

/**
 * Settings an operator gets wrong are refused at boot with the configuration block naming the variable,
 * never a stack trace and never the value (a URL's password, a secret).
 */
describe('boot with a bad setting', () => {
  it.each([
    [
      'the gateway',
      'DEEPGRAM_URL',
      'dist/apps/gateway/src/main.js',
      { AUTH_DISABLED: 'true', DEEPGRAM_URL: `wss://u:${SECRET}@ex%ample.com/v1/speak` },
      1,
    ],
    ['the gateway', 'AUTH_JWT_SECRET', 'dist/apps/gateway/src/main.js', { AUTH_JWT_SECRET: SECRET }, 1],
    [
      'the gateway',
      'IDLE_TIMEOUT_MS',
      'dist/apps/gateway/src/main.js',
      { AUTH_DISABLED: 'true', IDLE_TIMEOUT_MS: '3000000000' },
      1,
    ],
    ['billing', 'DATABASE_URL', 'dist/apps/billing/src/main.js', { DATABASE_URL: `postgres://u:${SECRET}%zz@h/db` }, 1],
    [
      'the migration',
      'DATABASE_URL',
      'dist/apps/billing/src/database/migrate.js',
      { DATABASE_URL: `postgres://u:${SECRET}%zz@h/db` },
      1,
    ],
    [
      'reconcile (2: it could not run)',
      'DATABASE_URL',
      'dist/apps/billing/src/reconcile/reconcile.cli.js',
      { DATABASE_URL: `postgres://u:${SECRET}%zz@h/db` },
      2,
    ],
  ])('%s refuses a bad %s', async (_what, name, script, env, exitCode) => {
    const { code, stderr } = await run(script, env as Record<string, string>);
    expect(code).toBe(exitCode);
    expect(stderr.startsWith('Invalid configuration:\n')).toBe(true);
    expect(stderr).toContain(`  - ${name}: `);
    expect(stderr).not.toContain(SECRET);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
