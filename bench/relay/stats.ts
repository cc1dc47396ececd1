/** Order statistics over plain number arrays (sorted copies; inputs are left alone). */

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

const EMPTY: Summary = { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };

/** Nearest-rank percentile of an ascending array. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(values: ArrayLike<number>): Summary {
  if (values.length === 0) return EMPTY;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i];
  return {
    count: sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1],
    mean: sum / sorted.length,
  };
}

/** Milliseconds with two decimals: keeps IPC payloads and tables small without losing what matters. */
export const roundMs = (ms: number): number => Math.round(ms * 100) / 100;

export const fmtMs = (ms: number): string => (Number.isFinite(ms) ? ms.toFixed(1) : 'n/a');
