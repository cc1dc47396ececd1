import { FlushScheduler } from './flush-scheduler';

describe(FlushScheduler.name, () => {
  let sent: number[];
  /** Whether the upstream is still connecting when a Flush is handed to it. */
  let queued: boolean;
  let sut: FlushScheduler;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    sent = [];
    queued = false;
    sut = new FlushScheduler((clientAt) => {
      sent.push(clientAt);
      sut.sent(queued);
    });
  });
  afterEach(() => jest.useRealTimers());

  it('counts Flushes queued while connecting from the open, so the 21st waits a window after that', () => {
    queued = true;
    for (let i = 0; i < 20; i++) expect(sut.request(i)).toBe(0);
    jest.setSystemTime(500);
    sut.opened();
    queued = false;
    expect(sut.request(500)).toBe(61_000); // window plus margin, from the open
    expect(sut.request(501)).toBe(-1); // merged into the deferred one
    jest.advanceTimersByTime(61_000);
    expect(sent).toHaveLength(21);
    expect(sent[20]).toBe(500);
  });

  it('retries a refused Flush after 1 s, then 2 s, and starts again at 1 s once one is answered', () => {
    expect(sut.request(0)).toBe(0);
    expect(sut.refused(0)).toBe(1000);
    expect(sut.pending).toBe(true);
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([0, 0]);
    expect(sut.refused(0)).toBe(2000);
    jest.advanceTimersByTime(1999);
    expect(sent).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(sent).toHaveLength(3);
    sut.answered();
    expect(sut.refused(0)).toBe(1000);
    sut.cancel();
    expect(sut.pending).toBe(false);
  });
});
