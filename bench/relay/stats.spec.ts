import { percentileOfSorted, summarize } from './stats';

describe('stats', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
    const sut = summarize(values);

    expect(sut).toMatchObject({ count: 100, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
    expect(values[0]).toBe(100); // input left alone
  });

  it('answers NaN, not a crash, for no observations', () => {
    expect(summarize([]).p99).toBeNaN();
    expect(percentileOfSorted([], 50)).toBeNaN();
  });
});
