import { DEMAND_WINDOW_MS, PoolDemand } from './pool-demand';

const T0 = 1_700_000_000_000;

function demandOf(takes: number[], handshakes: number[] = []): PoolDemand {
  const demand = new PoolDemand();
  handshakes.forEach((ms) => demand.handshake(ms));
  takes.forEach((at) => demand.taken(at));
  return demand;
}

describe(PoolDemand.name, () => {
  it('counts the sessions of the last second', () => {
    const demand = demandOf(Array.from({ length: 30 }, (_, i) => T0 + i * 10));

    expect(demand.rate(T0 + 300)).toBe(30);
    expect(demand.rate(T0 + DEMAND_WINDOW_MS + 500)).toBe(0);
  });

  it('forgets sessions older than the window, slice by slice', () => {
    const demand = demandOf([T0, T0 + 600]);

    expect(demand.rate(T0 + 950)).toBe(2);
    expect(demand.rate(T0 + 1050)).toBe(1); // the first one's slice has passed
    expect(demand.rate(T0 + 1650)).toBe(0);
  });

  it('drops a session with its 100 ms slice, whatever the offset of the clock', () => {
    const start = 12_345_678.9; // performance.now() of a process up for a few hours: slices start at x00
    const demand = demandOf([start]); // in the slice 12_345_600-12_345_700

    expect(demand.rate(12_346_599.9)).toBe(1); // that slice is still the tenth one back
    expect(demand.rate(12_346_600)).toBe(0);
  });

  it('covers twice the sessions arriving during one handshake', () => {
    // 20 sessions a second, 250 ms handshakes: 5 arrive during one, 10 connections.
    const demand = demandOf(
      Array.from({ length: 20 }, (_, i) => T0 + i * 50),
      [250],
    );

    expect(demand.target(2, 50, T0 + 999)).toBe(10);
    expect(demand.target(2, 8, T0 + 999)).toBe(8);
    expect(demand.target(12, 50, T0 + 999)).toBe(12);
  });

  it('keeps the configured size when the maximum is the size, and at rest', () => {
    const demand = demandOf(
      Array.from({ length: 100 }, () => T0),
      [400],
    );

    expect(demand.target(2, 2, T0)).toBe(2);
    expect(demand.target(2, 50, T0 + 5000)).toBe(2);
  });

  it('follows the handshake time as a weighted mean, from the first one measured', () => {
    const takes = Array.from({ length: 10 }, () => T0);
    // 10 sessions a second: 500 ms assumed before any handshake is measured, 10 connections.
    expect(demandOf(takes).target(1, 50, T0)).toBe(10);
    expect(demandOf(takes, [100]).target(1, 50, T0)).toBe(2);
    // 100, then 600: 100 + 0.2 x 500 = 200 ms.
    expect(demandOf(takes, [100, 600]).target(1, 50, T0)).toBe(4);
  });
});
