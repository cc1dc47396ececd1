import { setFlagsFromString } from 'v8';

/** After a full collection, V8 lets the old generation grow to this much above what survived it. */
export const HEAP_GROWING_PERCENT = 100;

/**
 * The relay allocates steadily (buffers and stream requests for every audio chunk) over a small live
 * heap. Under V8's own growing rule, some gateway processes settle into starting the next incremental
 * marking right after each full collection: about one mark-compact a second at 250 sessions, each a
 * 3-10 ms pause, with a fifth of the CPU in marking threads. Others settle into two a run. Letting the
 * old generation grow to twice what survived kept every process measured in the quiet case: 4
 * mark-compacts against 9-15 beside it, 3-9 % less CPU, no worse latency (docs/BENCHMARKS.md,
 * "V8's garbage collector"). The cost is ~20-30 MB more heap. V8 reads the flag whenever it sets a new
 * limit, so setting it at startup takes effect (the bench measured it set this way).
 */
export function tuneHeapGrowing(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
