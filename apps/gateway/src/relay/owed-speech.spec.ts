import { OwedSpeech, PaceStep } from './owed-speech';

const PACE = { textLimit: 2400, textWindowMs: 61_000, flushLimit: 20, flushWindowMs: 61_000 };

/** Everything the pacer lets out at `now`, and how it stopped. */
function drain(sut: OwedSpeech, now: number): { sent: string[]; stop: PaceStep } {
  const sent: string[] = [];
  for (;;) {
    const step = sut.next(now);
    if (step.kind === 'answer') sent.push(`answered ${step.flushes}`);
    else if (step.kind !== 'send') return { sent, stop: step };
    else sent.push(step.message.type === 'Speak' ? step.message.text : step.message.type);
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

  describe('a client Flush with no text since the previous one', () => {
    it('is answered at once when nothing is owed, and nothing goes upstream', () => {
      const sut = new OwedSpeech(PACE);
      expect(sut.flush(0)).toBe(true); // the very first message
      sut.speak(['one'], 0);
      sut.flush(0);
      expect(drain(sut, 0).sent).toEqual(['one', 'Flush']);
      expect(sut.flushed()).toBe(1);
      expect(sut.flush(1)).toBe(true); // all answered: nothing can come for it
      expect(drain(sut, 1).sent).toEqual([]);
      expect(sut.settled).toBe(true);
    });

    it('waits in line when it may not be answered yet (before the first upstream open), and still never goes upstream', () => {
      const sut = new OwedSpeech(PACE);
      expect([sut.flush(0, 1, false), sut.flush(0, 1, false)]).toEqual([false, false]);
      sut.speak(['one'], 0);
      sut.flush(0, 1, false);
      expect(sut.settled).toBe(false);
      expect(drain(sut, 0).sent).toEqual(['answered 2', 'one', 'Flush']);
      expect(sut.flushed()).toBe(1);
      expect(sut.settled).toBe(true);
    });

    it('rides on the Flush before it: held, owed, or waiting for the allowance, one upstream Flush for all', () => {
      const held = new OwedSpeech(PACE);
      held.speak(['abcd'], 0); // not sent yet (the connection is opening, or the window is full)
      expect([held.flush(0), held.flush(0)]).toEqual([false, false]);
      expect(drain(held, 0).sent).toEqual(['abcd', 'Flush']);
      expect(held.flushed()).toBe(2);

      const owed = new OwedSpeech(PACE);
      owed.speak(['one'], 0);
      owed.flush(0);
      expect(drain(owed, 0).sent).toEqual(['one', 'Flush']);
      expect([owed.flush(1), owed.flush(2)]).toEqual([false, false]);
      expect(drain(owed, 2).sent).toEqual([]);
      expect(owed.flushed()).toBe(3); // Deepgram's one Flushed answers all three, after the audio of 'one'

      const waiting = new OwedSpeech({ ...PACE, flushLimit: 1 });
      waiting.speak(['one'], 0);
      waiting.flush(0);
      waiting.speak(['two'], 0);
      waiting.flush(0);
      expect(drain(waiting, 0).sent).toEqual(['one', 'Flush', 'two']); // the second Flush waits
      expect(waiting.flush(0)).toBe(false);
      expect(drain(waiting, 1).sent).toEqual([]); // merged into the waiting one
      expect(drain(waiting, 61_000).sent).toEqual(['Flush']);
      expect([waiting.flushed(), waiting.flushed()]).toEqual([1, 2]);
    });

    it('still goes upstream behind an owed Clear, so its answer follows the Cleared', () => {
      const sut = new OwedSpeech(PACE);
      sut.speak(['one'], 0);
      sut.flush(0);
      drain(sut, 0);
      sut.clear();
      expect(sut.flush(1)).toBe(false);
      expect(drain(sut, 1).sent).toEqual(['Flush']);
    });
  });

  it('puts Flushes a close crossed back in order, each after its text, before the text sent since and the held text', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak(['one'], 0);
    sut.flush(0);
    sut.speak(['two'], 0);
    sut.flush(1);
    sut.speak(['three'], 0);
    expect(drain(sut, 0).sent).toEqual(['one', 'Flush', 'two', 'Flush', 'three']);
    sut.speak(['four'], 0); // arrives while the connection is gone: held
    expect(sut.answersOwed).toBe(true);

    expect(sut.requeueUnanswered()).toBe(true);
    expect(sut.answersOwed).toBe(false);
    sut.newConnection();
    expect(drain(sut, 10).sent).toEqual(['one', 'Flush', 'two', 'Flush', 'three', 'four']);
    // Each replayed Flush still answers its own client Flush.
    expect([sut.flushed(), sut.flushed()]).toEqual([1, 1]);
  });

  it('does not replay while a Clear is owed: the client may already have dropped that audio', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak(['one'], 0);
    sut.flush(0);
    drain(sut, 0);
    sut.clear();
    expect(sut.requeueUnanswered()).toBe(false);
    expect(sut.answersOwed).toBe(true);
  });

  it('reports as held only the text that waited for the character allowance, with how long', () => {
    const sut = new OwedSpeech(PACE);
    const heldMs = (now: number) => {
      const out: Array<number | undefined> = [];
      for (let step = sut.next(now); step.kind === 'send'; step = sut.next(now))
        if (step.message.type === 'Speak') out.push(step.heldMs);
      return out;
    };
    // Queued 5 ms (an upstream still connecting, a busy event loop), never over the allowance: not held.
    sut.speak([words(1000, 'a'), words(1000, 'b'), words(1000, 'c')], 0);
    expect(heldMs(5)).toEqual([undefined, undefined]);
    // 'c' waits for the window from t=5; 'd' arrives during that hold and queues behind it from t=10.
    sut.speak([words(100, 'd')], 10);
    expect(heldMs(70_000)).toEqual([69_995, 69_990]);
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

  it('owes Flushes only until a later Clear voids them (its Cleared drops the Flushes before it)', () => {
    const sut = new OwedSpeech(PACE);
    expect(sut.flushesOwed).toBe(false);
    sut.speak(['one'], 0);
    sut.flush(0);
    drain(sut, 0);
    expect(sut.flushesOwed).toBe(true);
    sut.clear();
    expect([sut.answersOwed, sut.flushesOwed]).toEqual([true, false]);
    sut.speak(['two'], 0);
    sut.flush(0);
    drain(sut, 0);
    expect(sut.flushesOwed).toBe(true); // the Flush after the Clear is answered after its Cleared
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
    sut.speak([words(1000, 'a'), words(1000, 'b')], 0);
    expect(drain(sut, 0).sent).toHaveLength(2);
    sut.newConnection();
    expect(sut.heldChars).toBe(2000);
    expect(drain(sut, 10).sent).toEqual([words(1000, 'a'), words(1000, 'b')]);
  });

  it("a Flush that waited for the old connection's allowance follows the replayed text on the new one", () => {
    const sut = new OwedSpeech({ ...PACE, flushLimit: 1 });
    sut.speak(['one'], 0);
    sut.flush(0);
    sut.speak(['two'], 0);
    sut.flush(1);
    expect(drain(sut, 0).sent).toEqual(['one', 'Flush', 'two']);
    expect(sut.flushed()).toBe(1);
    sut.newConnection();
    expect(drain(sut, 10).sent).toEqual(['two', 'Flush']);
    expect(sut.flushed()).toBe(1);
    expect(sut.settled).toBe(true);
  });

  it('counts held and unflushed text against the session bound', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak([words(1000, 'a'), words(1000, 'b')], 0);
    drain(sut, 0);
    expect(sut.unflushedChars).toBe(2000);
    sut.speak([words(1000, 'c')], 0);
    drain(sut, 0);
    expect(sut.unflushedChars).toBe(1000); // the text that fit went with the gateway's own Flush
    sut.flush(0);
    drain(sut, 0);
    expect(sut.unflushedChars).toBe(1000); // the Flush waits behind the held piece
    drain(sut, 61_000);
    expect(sut.unflushedChars).toBe(0);
  });

  it('when holding starts, flushes the text already sent (no client Flushed for it): its audio never waits for the window', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak([words(1000, 'a'), words(1000, 'b'), words(1000, 'c')], 0);
    sut.flush(7);
    const first = drain(sut, 0);
    expect(first.sent).toEqual([words(1000, 'a'), words(1000, 'b'), 'Flush']);
    expect(first.stop).toEqual({ kind: 'wait', waitMs: 61_000, forText: true });
    expect(sut.flushed()).toBe(0);
    expect(drain(sut, 61_000).sent).toEqual([words(1000, 'c'), 'Flush']);
    expect(sut.oldestFlushAt).toBe(7);
    expect(sut.flushed()).toBe(1);
    expect(sut.settled).toBe(true);
  });

  it("the gateway's own Flush at hold start waits for the Flush allowance like any Flush", () => {
    const sut = new OwedSpeech({ ...PACE, flushLimit: 1 });
    sut.speak(['x'], 0);
    sut.flush(0);
    sut.speak([words(1000, 'a'), words(1000, 'b'), words(1000, 'c')], 0);
    sut.flush(9);
    expect(drain(sut, 0)).toEqual({
      sent: ['x', 'Flush', words(1000, 'a'), words(1000, 'b')],
      stop: { kind: 'wait', waitMs: 61_000, forText: true },
    });
    expect(sut.takeFlushDeferral()).toBeUndefined(); // no client Flush was deferred
    expect(sut.flushed()).toBe(1);
    expect(drain(sut, 61_000).sent).toEqual(['Flush', words(1000, 'c')]);
    expect(sut.flushed()).toBe(0);
    expect(drain(sut, 122_000).sent).toEqual(['Flush']);
    expect(sut.flushed()).toBe(1);
    expect(sut.settled).toBe(true);
  });

  it('within one episode of held text, flushes again only before a long wait', () => {
    const sut = new OwedSpeech(PACE);
    const piece = (tag: string) => words(600, tag);
    sut.speak([piece('a')], 0);
    drain(sut, 0);
    sut.speak(['b', 'c', 'd'].map(piece), 10);
    drain(sut, 10);
    sut.speak(['e', 'f', 'g', 'h', 'i'].map(piece), 20);
    expect(drain(sut, 20).sent).toEqual(['Flush']); // holding starts: a-d are flushed
    // A short wait within the episode: no extra Flush.
    expect(drain(sut, 61_000)).toEqual({ sent: [piece('e')], stop: { kind: 'wait', waitMs: 10, forText: true } });
    // The next piece waits a whole window: what went up is flushed rather than left silent.
    expect(drain(sut, 61_010).sent).toEqual([piece('f'), piece('g'), piece('h'), 'Flush']);
  });

  it('a Flushed nobody is owed (e.g. after the answers were given up) gives the client no Flushed', () => {
    const sut = new OwedSpeech(PACE);
    expect(sut.flushed()).toBe(0);
    sut.speak(['a'], 0);
    sut.flush(0);
    drain(sut, 0);
    sut.forgetOwed();
    expect(sut.flushed()).toBe(0);
    expect(sut.settled).toBe(true);
  });

  it('a refused Flush is the last one sent: an older Flush still being spoken keeps its answer', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak(['older'], 0);
    sut.flush(1);
    sut.speak(['newer'], 0);
    sut.flush(2);
    drain(sut, 0);
    sut.flushRefused(100, 1000);
    expect(sut.unflushedChars).toBe('newer'.length);
    expect(sut.oldestFlushAt).toBe(1);
    expect(sut.flushed()).toBe(1); // the older Flush's own answer
    expect(drain(sut, 1100).sent).toEqual(['Flush']);
    expect(sut.oldestFlushAt).toBe(2);
    expect(sut.flushed()).toBe(1);
    expect(sut.settled).toBe(true);
  });

  it('a Flush refused before an owed Clear is forgotten: the Clear dropped its text, nothing is retried', () => {
    const sut = new OwedSpeech(PACE);
    sut.speak(['kept'], 0);
    sut.flush(1);
    sut.speak(['refused'], 0);
    sut.flush(2);
    drain(sut, 0);
    sut.clear(); // Deepgram reads Flush, Flush, Clear; it refuses the second Flush before it reads the Clear
    sut.speak(['after'], 0);
    sut.flush(3);
    expect(drain(sut, 0).sent).toEqual(['after', 'Flush']);
    expect(sut.flushRefused(100, 1000)).toBeUndefined();
    expect(sut.unflushedChars).toBe(0);
    expect(sut.flushed()).toBe(1); // the first Flush's answer, which may still come before the Cleared
    sut.cleared();
    expect(drain(sut, 5000).sent).toEqual([]); // no retried Flush: its answer would follow the Cleared
    expect(sut.oldestFlushAt).toBe(3);
    expect(sut.flushed()).toBe(1);
    expect(sut.settled).toBe(true);
  });
});
