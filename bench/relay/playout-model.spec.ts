import { FlushPlayout, emptyObservations } from './playout-model';

/** 16 kHz linear16: 32 bytes per ms. */
const BYTES_PER_MS = 32;

describe(FlushPlayout.name, () => {
  it('records time to first audio and no lateness for chunks arriving exactly on the real-time schedule', () => {
    const out = emptyObservations();
    const sut = new FlushPlayout(out, BYTES_PER_MS, 0);
    sut.flushSent(1000);
    sut.audio(1150, 50 * BYTES_PER_MS);
    sut.audio(1200, 30 * BYTES_PER_MS);
    sut.audio(1230, 40 * BYTES_PER_MS);

    expect(out.ttfaMs).toEqual([150]);
    expect(out.chunkLatenessMs).toEqual([0, 0]);
    expect(out.underrunGapMs).toEqual([]);
    expect(out.audioBytes).toBe(120 * BYTES_PER_MS);
    expect(out.flushes).toBe(1);
  });

  it('counts an underrun when a chunk arrives after the buffered audio (plus preroll) has played out', () => {
    const out = emptyObservations();
    const sut = new FlushPlayout(out, BYTES_PER_MS, 20);
    sut.flushSent(0);
    sut.audio(100, 50 * BYTES_PER_MS); // plays 120..170
    sut.audio(165, 50 * BYTES_PER_MS); // 15 ms late, inside the preroll: no gap, plays until 220
    sut.audio(250, 50 * BYTES_PER_MS); // 30 ms after the player ran dry

    expect(out.chunkLatenessMs).toEqual([15, 50]);
    expect(out.underrunGapMs).toEqual([30]);
  });

  it('restarts the schedule at every flush', () => {
    const out = emptyObservations();
    const sut = new FlushPlayout(out, BYTES_PER_MS, 0);
    sut.flushSent(0);
    sut.audio(150, 10 * BYTES_PER_MS);
    sut.flushSent(5000);
    sut.audio(5170, 10 * BYTES_PER_MS);
    sut.audio(5180, 10 * BYTES_PER_MS);

    expect(out.ttfaMs).toEqual([150, 170]);
    expect(out.chunkLatenessMs).toEqual([0]);
    expect(out.flushes).toBe(2);
  });

  it("keeps each session's first flush apart, so a cold start can be told from a warm one", () => {
    const out = emptyObservations();
    const first = new FlushPlayout(out, BYTES_PER_MS, 0);
    const second = new FlushPlayout(out, BYTES_PER_MS, 0);
    first.flushSent(0);
    first.audio(400, 10 * BYTES_PER_MS);
    first.flushSent(1000);
    first.audio(1150, 10 * BYTES_PER_MS);
    second.flushSent(0);
    second.audio(420, 10 * BYTES_PER_MS);

    expect(out.firstTtfaMs).toEqual([400, 420]);
    expect(out.laterTtfaMs).toEqual([150]);
    expect(out.ttfaMs).toEqual([400, 150, 420]);
  });
});
