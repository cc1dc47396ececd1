import { RateLimitedFrame } from '@tts/protocol';
import { RateLimitNotices } from './rate-limit-notices';
import { MessageRateLimit } from './message-rate-limit';
import { SlidingWindowBudget } from './sliding-window-budget';
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

describe(SlidingWindowBudget.name, () => {
  it('allows 20 Flushes per sliding window and says how long to wait for the next', () => {
    const sut = new SlidingWindowBudget(20, 61_000);
    for (let i = 0; i < 20; i++) {
      expect(sut.waitMs(1, i * 1000)).toBe(0);
      sut.record(1, i * 1000);
    }
    expect(sut.waitMs(1, 20_000)).toBe(41_000);
    expect(sut.waitMs(1, 61_000)).toBe(0);
    sut.record(1, 61_000);
    expect(sut.waitMs(1, 61_500)).toBe(500);
  });

  it('counts characters: waits until enough of the window has expired for the amount asked', () => {
    const sut = new SlidingWindowBudget(2400, 60_000);
    sut.record(1000, 0);
    sut.record(1000, 10_000);
    expect(sut.waitMs(400, 20_000)).toBe(0);
    expect(sut.waitMs(401, 20_000)).toBe(40_000); // the first 1,000 expire at 60 s
    expect(sut.waitMs(1400, 20_000)).toBe(40_000);
    expect(sut.waitMs(1401, 20_000)).toBe(50_000); // both must expire
    // More than one window's worth: a window per 2,400 beyond the first.
    expect(sut.waitMs(4800, 20_000)).toBe(50_000 + 60_000);
    sut.reset();
    expect(sut.waitMs(2400, 20_000)).toBe(0);
  });
});

describe(MessageRateLimit.name, () => {
  const frame = (message: object) => Buffer.from(JSON.stringify(message));

  it('lets Close and a bounded number of Clears past an empty bucket, nothing else, and tells a dropped Clear apart', () => {
    const sut = new MessageRateLimit(1, 1);
    expect(sut.admit(frame({ type: 'Speak', text: 'a' }), false)).toBe('admitted');
    expect(sut.admit(frame({ type: 'Speak', text: 'b' }), false)).toBe('dropped');
    expect(sut.admit(frame({ type: 'Clear' }), true)).toBe('dropped');
    expect(sut.admit(Buffer.from('{"type":"Clear"'), false)).toBe('dropped');
    const clears = Array.from({ length: 20 }, () => sut.admit(frame({ type: 'Clear' }), false));
    const admitted = clears.filter((v) => v === 'admitted').length;
    expect(admitted).toBeGreaterThanOrEqual(10);
    expect(admitted).toBeLessThan(20);
    expect(clears.filter((v) => v === 'dropped-clear')).toHaveLength(20 - admitted);
    expect(sut.admit(frame({ type: 'Close' }), false)).toBe('admitted');
  });
});

describe(RateLimitNotices.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('collapses notices within the interval into one frame that sums the counts and names each cause once', () => {
    const frames: RateLimitedFrame[] = [];
    const sut = new RateLimitNotices((frame) => frames.push(frame));
    const flood = 'too many messages per second; messages dropped';
    const deferred = 'Flush deferred 61 s';
    sut.report(flood, 1);
    for (let i = 0; i < 30; i++) sut.report(flood, 1, i % 10 === 0 ? 1 : 0);
    sut.report(deferred, 0);
    for (let i = 0; i < 30; i++) sut.report(flood, 1);
    expect(frames).toHaveLength(1); // the first at once
    jest.advanceTimersByTime(1000);
    expect(frames).toHaveLength(2);
    expect(frames[1]).toMatchObject({ message: `${flood}; also: ${deferred}`, dropped: 60, dropped_clears: 3 });
  });
});
