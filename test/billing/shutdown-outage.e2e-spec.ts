import { assertBuilt, exited, spawnBilling } from './support/billing-process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { freePort } from '../ops/app-process';
import { pollUntil } from '../support/poll';

/** A billing process told to stop while Redis is unreachable still exits (a rollout during an outage). */
describe('billing shutdown during a Redis outage', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    assertBuilt();
    database = await createTestDatabase('shutdown');
  });
  afterAll(() => database?.drop());

  it('exits within its 25 s deadline after SIGTERM instead of waiting for Redis for ever', async () => {
    const [port, deadRedis] = [await freePort(), await freePort()];
    const child = spawnBilling(
      {
        DATABASE_URL: database.url,
        REDIS_URL: `redis://127.0.0.1:${deadRedis}`,
        BILLING_PORT: String(port),
        BULLMQ_PREFIX: `shutdown-${process.pid}`,
      },
      'pipe',
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await pollUntil(
        () =>
          fetch(`http://127.0.0.1:${port}/health/live`).then(
            (r) => r.status,
            () => 0,
          ),
        (status) => status === 200,
        30_000, // a boot on a loaded machine, its Redis unreachable
      );
      const signalled = Date.now();
      child.kill('SIGTERM');
      const exit = exited(child).then(() => 'exited');
      const stuck = new Promise((resolve) => setTimeout(() => resolve('still running'), 35_000).unref());
      expect(await Promise.race([exit, stuck])).toBe('exited');
      // The deadline, not a clean close (Redis never answered) nor a hook that threw.
      expect(child.exitCode).toBe(1);
      expect(stderr).toContain('shutdown did not finish in time: exiting');
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(24_000);
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  }, 70_000);
});
