import { OwedSpeech, PaceStep } from './owed-speech';

const PACE = { textLimit: 2400, textWindowMs: 61_000, flushLimit: 20, flushWindowMs: 61_000 };

/** Everything the pacer lets out at `now`, and how it stopped. */
function drain(sut: OwedSpeech, now: number): { sent: string[]; stop: PaceStep } {
  const sent: string[] = [];
  for (;;) {
    const step = sut.next(now);
    if (step.kind !== 'send') return { sent, stop: step };
    sent.push(step.message.type === 'Speak' ? step.message.text : step.message.type);
  }
}

const words = (n: number, tag: string) => tag.repeat(n);

describe(OwedSpeech.name, () => {
  it('sends text within the character allowance at once, holds the rest and its Flush in order', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak([words(1000, 'a'), words(1000, 'b')], 0);
    sut.flush(0);
    sut.speak([words(1000, 'c')], 0);
    sut.flush(0);
    const first = drain(sut, 0);
    expect(first.sent).toEqual([words(1000, 'a'), words(1000, 'b'), 'Flush']);
    expect(first.stop).toEqual({ kind: 'wait', waitMs: 61_000, forText: true });
    expect(sut.heldChars).toBe(1000);
    expect(sut.heldDelayMs(0)).toBe(61_000);
    expect(drain(sut, 61_000).sent).toEqual([words(1000, 'c'), 'Flush']);
    expect(sut.heldChars).toBe(0);
  });

  it('answers every client Flush once: Flushes over the allowance merge, and the merged Flushed counts them all', () => {
    const sut = new OwedSpeech({ ...PACE, flushLimit: 1 });
    sut.speak(['one'], 0);
    sut.flush(0);
    sut.speak(['two'], 0);
    sut.flush(1);
    sut.speak(['three'], 0);
    sut.flush(2);
    expect(drain(sut, 0).sent).toEqual(['one', 'Flush', 'two', 'three']);
    expect(sut.takeFlushDeferral()).toBe(61_000);
    expect(sut.takeFlushDeferral()).toBeUndefined();
    expect(drain(sut, 61_000).sent).toEqual(['Flush']);
    expect(sut.flushed()).toBe(1);
    expect(sut.flushed()).toBe(2);
    expect(sut.settled).toBe(true);
  });

  it("gives the gateway's own Flush (before a Close) no client Flushed", () => {
    const sut = new OwedSpeech(PACE);
    sut.speak(['tail'], 0);
    expect(sut.needsFlush).toBe(true);
    sut.flush(0, 0);
    drain(sut, 0);
    expect(sut.flushed()).toBe(0);
  });

  it('Clear drops held and unflushed text; Flushes sent before it are never answered', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak([words(1000, 'a')], 0);
    sut.flush(0);
    sut.speak([words(1000, 'b'), words(1000, 'c')], 0);
    drain(sut, 0);
    expect(sut.heldChars).toBe(1000);
    expect(sut.clear()).toBe(1000);
    expect(sut.heldChars).toBe(0);
    expect(sut.unflushedChars).toBe(0);
    expect(sut.clearing).toBe(true);
    sut.cleared();
    expect(sut.clearing).toBe(false);
    expect(sut.answersOwed).toBe(false);
    expect(drain(sut, 0).stop).toEqual({ kind: 'idle' });
  });

  it('a Flushed that arrives before the Cleared still answers its Flush', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak(['a'], 0);
    sut.flush(0);
    drain(sut, 0);
    sut.clear();
    expect(sut.flushed()).toBe(1);
    sut.cleared();
    expect(sut.settled).toBe(true);
  });

  it('a refused Flush puts its text back and is retried after the backoff, doubling', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak(['a'], 0);
    sut.flush(5);
    drain(sut, 0);
    expect(sut.flushRefused(100, 1000)).toBe(1000);
    expect(sut.unflushedChars).toBe(1);
    expect(drain(sut, 100).stop).toEqual({ kind: 'wait', waitMs: 1000, forText: false });
    expect(drain(sut, 1100).sent).toEqual(['Flush']);
    expect(sut.oldestFlushAt).toBe(5);
    expect(sut.flushRefused(1200, 1000)).toBe(2000);
    drain(sut, 3200);
    expect(sut.flushed()).toBe(1);
  });

  it('a new connection replays the text sent since the last Flush, with a fresh allowance', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak([words(1000, 'a'), words(1000, 'b'), words(1000, 'c')], 0);
    expect(drain(sut, 0).sent).toHaveLength(2);
    sut.newConnection(10);
    expect(sut.heldChars).toBe(3000);
    expect(drain(sut, 10).sent).toEqual([words(1000, 'a'), words(1000, 'b')]);
  });

  it('counts held and unflushed text against the session bound', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak([words(1000, 'a'), words(1000, 'b'), words(1000, 'c')], 0);
    drain(sut, 0);
    expect(sut.unflushedChars).toBe(3000);
    sut.flush(0);
    drain(sut, 0);
    expect(sut.unflushedChars).toBe(3000); // the Flush waits behind the held piece
    drain(sut, 61_000);
    expect(sut.unflushedChars).toBe(0);
  });
});
