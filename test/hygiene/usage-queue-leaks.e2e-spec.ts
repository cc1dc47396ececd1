/**
 * The leak check the whole run ends with (test/support/global-teardown.ts): a gateway publishing usage
 * into a queue after its snapshot is reported, with the company it billed. Run here on a queue prefix of
 * this file's own, since the real check watches the developer's default queue.
 */
import { randomBytes } from 'crypto';
import { expectedAudioBytes } from '../support/emulator';
import { TEST_REDIS_URL, connectClient, useRelayStack, RelayStack } from '../support/gateway';
import { deleteKeys } from '../support/redis-keys';
import { UsageQueueSnapshot } from '../support/usage-queue-leaks';
import { isDefined, pollUntil } from '../support/poll';

const PREFIX = `test-leaks-${process.pid}-${randomBytes(3).toString('hex')}`;

describe('usage queue leak check', () => {
  let stack: RelayStack;
  useRelayStack((s) => (stack = s), { gateway: { BULLMQ_PREFIX: PREFIX, USAGE_FLUSH_INTERVAL_MS: '200' } });
  afterAll(() => deleteKeys(`${PREFIX}:*`));

  it('reports the jobs a gateway published after the snapshot, naming the company', async () => {
    const snapshot = await UsageQueueSnapshot.take(TEST_REDIS_URL, PREFIX);
    expect(await snapshot.newJobs(TEST_REDIS_URL)).toEqual([]);

    const client = await connectClient(stack.gateway, 'leaky');
    client.send({ type: 'Speak', text: 'Billed somewhere.' });
    client.send({ type: 'Flush' });
    client.send({ type: 'Close' });
    expect((await client.closed).code).toBe(1000);
    expect(expectedAudioBytes('Billed somewhere.', 'linear16', 24000)).toBeGreaterThan(0);

    const leaked = await pollUntil(
      async () => {
        const jobs = await snapshot.newJobs(TEST_REDIS_URL);
        return jobs.length > 0 ? jobs : undefined;
      },
      isDefined,
      10_000,
      'usage jobs in the watched queue',
    );
    expect(leaked.every((job) => job.company_id?.startsWith('leaky-co-'))).toBe(true);
  });
});
