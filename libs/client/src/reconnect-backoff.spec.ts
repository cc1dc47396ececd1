import { CloseCode } from '@tts/protocol';
import { DEFAULT_BACKOFF, backoffDelay, isReconnectable } from './reconnect-backoff';

describe('reconnect backoff', () => {
  it('grows exponentially and is capped', () => {
    const top = () => 1;
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, DEFAULT_BACKOFF, top))).toEqual([250, 500, 1000, 2000]);
    expect(backoffDelay(30, DEFAULT_BACKOFF, top)).toBe(DEFAULT_BACKOFF.maxDelayMs);
  });

  it('randomises the top half of each delay', () => {
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 0)).toBe(500);
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 0.5)).toBe(750);
  });

  it('never reconnects after a normal close, an idle timeout or a refusal whose cause persists', () => {
    for (const code of [1000, 4400, 4401, 4402, 4403, 4429, CloseCode.IdleTimeout]) {
      expect(isReconnectable(code)).toBe(false);
    }
    for (const code of [1001, 1006, 1011]) expect(isReconnectable(code)).toBe(true);
  });
});
