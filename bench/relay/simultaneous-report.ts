import { PhaseResult } from './load-phase';
import { errorCounts, markdownTable } from './markdown-table';
import { cpuPerAudioSecond } from './relay-report';
import { cpuMsPerSession } from './scenario-report';
import { SimultaneousRound } from './simultaneous-runs';

/** CPU milliseconds per relayed audio second (finer than the standard table's seconds). */
const cpuMs = (phase: PhaseResult, which: 'proxy' | 'proxySys' = 'proxy'): number =>
  cpuPerAudioSecond(phase, phase.cpu[which]) * 1000;

const fixed = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

/** Each round: every proxy's cost and latency, its CPU relative to the first proxy of the same round. */
export function simultaneousRoundsTable(rounds: SimultaneousRound[]): string {
  const header =
    'round | proxy | connected | errors | CPU ms / audio s | vs first | of which in the kernel | CPU ms / session | TTFA p50 / p99 | chunk late p99 | underruns';
  return markdownTable(
    header,
    rounds.flatMap(({ round, results }) => {
      const first = cpuMs(results[0].phase);
      return results.map(({ proxy, phase }) => [
        String(round),
        proxy,
        `${phase.load.connected}/${phase.load.sessions}`,
        errorCounts(phase.load.errors),
        fixed(cpuMs(phase), 3),
        fixed(cpuMs(phase) / first, 3),
        fixed(cpuMs(phase, 'proxySys'), 3),
        fixed(cpuMsPerSession(phase, phase.cpu.proxy), 2),
        `${fixed(phase.load.ttfaMs.p50, 1)} / ${fixed(phase.load.ttfaMs.p99, 1)}`,
        fixed(phase.load.chunkLatenessMs.p99, 1),
        String(phase.load.underruns),
      ]);
    }),
  );
}

/**
 * Per proxy over all rounds: mean CPU per audio second and per session, and its ratio to the first proxy's
 * (mean, lowest, highest; every proxy relays the same sessions, so the ratio is the same either way).
 */
export function simultaneousSummaryTable(rounds: SimultaneousRound[]): string {
  const proxies = rounds[0]?.results.map((r) => r.proxy) ?? [];
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  // costs[i][r]: proxy i's CPU per audio second in round r.
  const costs = proxies.map((_, i) => rounds.map((r) => cpuMs(r.results[i].phase)));
  const perSession = proxies.map((_, i) =>
    rounds.map(({ results }) => cpuMsPerSession(results[i].phase, results[i].phase.cpu.proxy)),
  );
  return markdownTable(
    'proxy | CPU ms / audio s, mean | CPU ms / session, mean | vs first: mean (lowest - highest round)',
    proxies.map((proxy, i) => {
      const ratios = costs[i].map((cost, r) => cost / costs[0][r]);
      return [
        proxy,
        fixed(mean(costs[i]), 3),
        fixed(mean(perSession[i]), 2),
        `${fixed(mean(costs[i]) / mean(costs[0]), 3)} (${fixed(Math.min(...ratios), 3)} - ${fixed(Math.max(...ratios), 3)})`,
      ];
    }),
  );
}
