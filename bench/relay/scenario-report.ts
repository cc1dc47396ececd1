import { errorCounts, markdownTable } from './markdown-table';
import { PhaseResult } from './load-phase';
import { audioSeconds, cpuSeconds } from './relay-report';
import { BurstRun, ChurnRuns, FirstUtteranceRuns } from './scenario-runs';
import { fmtMs } from './stats';

/** Emulator first-audio target in a burst: TTFB plus this much at p99. */
export const BURST_P99_BUDGET_MS = 25;

export function firstUtteranceTable(runs: FirstUtteranceRuns): string {
  const header =
    'path | sessions (connected) | errors | first utterance TTFA p50 / p99 (cold) | later utterances TTFA p50 / p99 (warm) | cold p50 minus warm direct p50';
  const warmDirect = runs.direct.load.laterTtfaMs.p50;
  const row = (label: string, phase: FirstUtteranceRuns['direct']): string[] => {
    const r = phase.load;
    return [
      label,
      `${r.sessions} (${r.connected})`,
      errorCounts(r.errors),
      `${fmtMs(r.firstTtfaMs.p50)} / ${fmtMs(r.firstTtfaMs.p99)} ms`,
      `${fmtMs(r.laterTtfaMs.p50)} / ${fmtMs(r.laterTtfaMs.p99)} ms`,
      `${fmtMs(r.firstTtfaMs.p50 - warmDirect)} ms`,
    ];
  };
  return markdownTable(header, [
    row('(a) direct', runs.direct),
    row('(b) nginx', runs.nginx),
    row('(c) gateway, pool off', runs.gatewayPoolOff),
    row(`(c) gateway, pool of ${runs.poolSize}`, runs.gatewayPoolOn),
  ]);
}

export function burstTable(runs: BurstRun[]): string {
  const header = `sessions | text | TTFB | TTFA p50 / p99 | p99 minus TTFB | errors | emulator CPU (one core) | emulator CPU per session | verdict (p99 <= TTFB + ${BURST_P99_BUDGET_MS} ms)`;
  return markdownTable(
    header,
    runs.map((run) => {
      const r = run.direct.load;
      const over = r.ttfaMs.p99 - run.ttfbMs;
      const pass = over <= BURST_P99_BUDGET_MS && r.connected === r.sessions && !Object.keys(r.errors).length;
      return [
        String(run.sessions),
        `${run.chars} chars`,
        `${run.ttfbMs} ms`,
        `${fmtMs(r.ttfaMs.p50)} / ${fmtMs(r.ttfaMs.p99)} ms`,
        `${fmtMs(over)} ms`,
        errorCounts(r.errors),
        `${run.direct.cpu.emulator.toFixed(0)} %`,
        `${(run.direct.cpu.emulator / run.sessions).toFixed(3)} %`,
        pass ? 'pass' : 'fail',
      ];
    }),
  );
}

/** CPU milliseconds a process spent per session of the phase (over its measured window), NaN if unmeasured. */
export function cpuMsPerSession(phase: PhaseResult, cpuPercent: number | undefined): number {
  const sessions = phase.load.connected;
  return sessions <= 0 ? NaN : (cpuSeconds(phase, cpuPercent) * 1000) / sessions;
}

/** "hits of all" upstreams the gateway's sessions took from its pool; empty for the other paths. */
function warmShare(phase: PhaseResult): string {
  const pool = phase.gateway?.upstreamPool;
  if (!pool || Number.isNaN(pool.hits + pool.misses)) return '';
  return `${pool.hits} of ${pool.hits + pool.misses}`;
}

/** The ratio to nginx is left empty when nginx's CPU read 0 (whole clock ticks, a short run). */
export function churnTable(runs: ChurnRuns): string {
  const header =
    'path | sessions (connected) | errors | new sessions per s | audio per session | proxy CPU ms per session | of which in the kernel | proxy / nginx | emulator CPU ms per session | first audio p50 / p99 | upstreams warm from the pool';
  const nginxMs = cpuMsPerSession(runs.nginx, runs.nginx.cpu.proxy);
  const row = (label: string, phase: PhaseResult): string[] => {
    const r = phase.load;
    const proxyMs = cpuMsPerSession(phase, phase.cpu.proxy);
    const ms = (v: number): string => (Number.isNaN(v) ? '' : v.toFixed(2));
    return [
      label,
      `${r.sessions} (${r.connected})`,
      errorCounts(r.errors),
      (r.sessions / runs.seconds).toFixed(0),
      r.connected > 0 ? `${(audioSeconds(r) / r.connected).toFixed(2)} s` : '',
      ms(proxyMs),
      ms(cpuMsPerSession(phase, phase.cpu.proxySys)),
      phase.cpu.proxy === undefined || !(nginxMs > 0) ? '' : (proxyMs / nginxMs).toFixed(2),
      ms(cpuMsPerSession(phase, phase.cpu.emulator)),
      `${fmtMs(r.ttfaMs.p50)} / ${fmtMs(r.ttfaMs.p99)} ms`,
      warmShare(phase),
    ];
  };
  return markdownTable(header, [
    row('(a) direct', runs.direct),
    row('(b) nginx', runs.nginx),
    row(`(c) gateway, pool of ${runs.poolSize}`, runs.gateway),
    ...(runs.gatewayGrowing
      ? [row(`(c) gateway, pool of ${runs.poolSize} growing to ${runs.poolMaxSize}`, runs.gatewayGrowing)]
      : []),
  ]);
}
