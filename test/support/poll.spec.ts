import { isDefined, pollUntil } from './poll';

describe(pollUntil.name, () => {
  it('resolves with the first value `done` accepts, sync or async probes alike', async () => {
    let calls = 0;
    expect(
      await pollUntil(
        () => ++calls,
        (n) => n === 3,
        2000,
      ),
    ).toBe(3);
    expect(await pollUntil(async () => (++calls >= 5 ? 'ready' : undefined), isDefined, 2000)).toBe('ready');
  });

  it('rejects after the timeout, naming what it waited for and the last value', async () => {
    await expect(
      pollUntil(
        () => ({ held: 4 }),
        (v) => v.held === 0,
        120,
        'the queue to empty',
      ),
    ).rejects.toThrow(/timed out after 120 ms waiting for the queue to empty; last: \{ held: 4 \}/);
  });
});
