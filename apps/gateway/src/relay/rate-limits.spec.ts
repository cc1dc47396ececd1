import { FlushBudget } from './flush-budget';
import { MessageRateLimit } from './message-rate-limit';
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
  it('allows 20 flushes per sliding minute (plus a second of margin) and says how long to wait for the next', () => {
    const sut = new FlushBudget();
    for (let i = 0; i < 20; i++) {
      expect(sut.waitMs(i * 1000)).toBe(0);
      sut.record(i * 1000);
    }
    expect(sut.waitMs(20_000)).toBe(41_000);
    expect(sut.waitMs(61_000)).toBe(0);
    sut.record(61_000);
    expect(sut.waitMs(61_500)).toBe(500);
  });

  it('counts flushes queued while connecting from when they were written', () => {
    const sut = new FlushBudget(2, 1000);
    sut.record(0);
    sut.record(10);
    sut.restampLast(2, 400);
    expect(sut.waitMs(1000)).toBe(400);
  });
});

describe(MessageRateLimit.name, () => {
  const frame = (message: object) => Buffer.from(JSON.stringify(message));

  it('lets Close and a bounded number of Clears past an empty bucket, nothing else', () => {
    const sut = new MessageRateLimit(1, 1);
    expect(sut.admit(frame({ type: 'Speak', text: 'a' }), false)).toBe(true);
    expect(sut.admit(frame({ type: 'Speak', text: 'b' }), false)).toBe(false);
    expect(sut.admit(frame({ type: 'Clear' }), true)).toBe(false);
    expect(sut.admit(Buffer.from('{"type":"Clear"'), false)).toBe(false);
    const clears = Array.from({ length: 20 }, () => sut.admit(frame({ type: 'Clear' }), false));
    expect(clears.filter(Boolean).length).toBeGreaterThanOrEqual(10);
    expect(clears.filter(Boolean).length).toBeLessThan(20);
    expect(sut.admit(frame({ type: 'Close' }), false)).toBe(true);
  });
});
