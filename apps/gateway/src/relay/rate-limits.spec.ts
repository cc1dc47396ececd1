import { FlushBudget } from './flush-budget';
import { TokenBucket } from './token-bucket';

describe(TokenBucket.name, () => {
  it('allows a burst, then the refill rate', () => {
    const sut = new TokenBucket(10, 3, 0);
    expect([sut.take(0), sut.take(0), sut.take(0), sut.take(0)]).toEqual([true, true, true, false]);
    expect(sut.take(50)).toBe(false);
    expect(sut.take(100)).toBe(true);
    expect(sut.take(10_000)).toBe(true);
  });
});

describe(FlushBudget.name, () => {
  it('allows 20 flushes per sliding minute and says how long to wait for the next', () => {
    const sut = new FlushBudget();
    for (let i = 0; i < 20; i++) {
      expect(sut.waitMs(i * 1000)).toBe(0);
      sut.record(i * 1000);
    }
    expect(sut.waitMs(20_000)).toBe(40_000);
    expect(sut.waitMs(60_000)).toBe(0);
    sut.record(60_000);
    expect(sut.waitMs(60_500)).toBe(500);
  });
});
