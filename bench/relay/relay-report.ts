import { BenchOptions } from './bench-options';
import { CLIENT_CONFIG } from './bench-session';
import { PhaseResult } from './load-phase';
import { LoadResult } from './load-generator';
import { errorCounts, markdownTable } from './markdown-table';
import { fmtMs } from './stats';

/** What a path adds to the direct path, from the same run: differences of percentiles over sessions. */
export interface AddedDelay {
  ttfaP50: number;
  ttfaP99: number;
  chunkP50: number;
  chunkP99: number;
}

export interface SideBySide {
  sessions: number;
  direct: PhaseResult;
  nginx: PhaseResult;
  gateway: PhaseResult;
}

export interface CapacityStep extends SideBySide {
  pass: boolean;
  why: string;
}

export function addedDelay(path: LoadResult, direct: LoadResult): AddedDelay {
  return {
    ttfaP50: path.ttfaMs.p50 - direct.ttfaMs.p50,
    ttfaP99: path.ttfaMs.p99 - direct.ttfaMs.p99,
    chunkP50: path.chunkLatenessMs.p50 - direct.chunkLatenessMs.p50,
    chunkP99: path.chunkLatenessMs.p99 - direct.chunkLatenessMs.p99,
  };
}

/** Bytes of one second of the bench's audio (linear16, mono, CLIENT_CONFIG's rate). */
const AUDIO_BYTES_PER_SECOND = CLIENT_CONFIG.sample_rate * 2;

/** Seconds of audio the path delivered. */
export const audioSeconds = (load: LoadResult): number => load.audioBytes / AUDIO_BYTES_PER_SECOND;

/**
 * CPU seconds a process spent per second of audio the path delivered, over the measured window:
 * the cost of relaying audio, comparable across paths and session counts.
 */
export function cpuPerAudioSecond(phase: PhaseResult, cpuPercent: number | undefined): number {
  const audioS = audioSeconds(phase.load);
  return audioS <= 0 ? NaN : cpuSeconds(phase, cpuPercent) / audioS;
}

/** CPU seconds a process spent over the phase's measured window, from its share of a core; NaN if unmeasured. */
export function cpuSeconds(phase: PhaseResult, cpuPercent: number | undefined): number {
  return cpuPercent === undefined ? NaN : (cpuPercent / 100) * ((phase.windowUs[1] - phase.windowUs[0]) / 1e6);
}

/**
 * Capacity criterion, relative to nginx in the same run: every session served without error, the
 * gateway's added TTFA p99 at most twice nginx's (never held below the noise floor), and underruns
 * at most nginx's plus a share of the flushes.
 */
export function judge(
  row: SideBySide,
  criterion: Pick<BenchOptions, 'noiseFloorMs' | 'underrunAllowance'>,
): { pass: boolean; why: string } {
  const gateway = row.gateway.load;
  const nginxAdded = addedDelay(row.nginx.load, row.direct.load).ttfaP99;
  const added = addedDelay(gateway, row.direct.load).ttfaP99;
  const limit = Math.max(2 * nginxAdded, criterion.noiseFloorMs);
  const underrunLimit = row.nginx.load.underruns + Math.floor(criterion.underrunAllowance * gateway.flushes);
  const failures: string[] = [];
  const errors = Object.entries(gateway.errors).map(([k, v]) => `${k} x${v}`);
  if (gateway.connected < gateway.sessions || errors.length)
    failures.push(`errors: ${errors.join(', ') || 'not all connected'}`);
  if (added > limit) failures.push(`added TTFA p99 ${fmtMs(added)} ms > ${fmtMs(limit)} ms`);
  if (gateway.underruns > underrunLimit) failures.push(`${gateway.underruns} underruns > ${underrunLimit}`);
  return failures.length ? { pass: false, why: failures.join('; ') } : { pass: true, why: 'ok' };
}

const kb = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '' : `${v.toFixed(1)} KB`);
const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '' : `${v.toFixed(0)} %`);
/** Percent of the window the process's main thread waited for a CPU, as a bare number. */
const waitPct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(0));
const waits = (phase: PhaseResult): string => {
  const w = phase.cpu.wait;
  return w ? `${waitPct(w.emulator)} / ${waitPct(w.proxy)} / ${waitPct(w.loadGenerator)} %` : '';
};
const loop = (phase: PhaseResult): string =>
  phase.gateway?.eventLoop
    ? `${fmtMs(phase.gateway.eventLoop.p99Ms)} / ${fmtMs(phase.gateway.eventLoop.maxMs)} ms`
    : '';

function pathRow(label: string, phase: PhaseResult, direct: LoadResult): string[] {
  const r = phase.load;
  const a = addedDelay(r, direct);
  const same = r === direct;
  return [
    label,
    `${r.connected}/${r.sessions}`,
    errorCounts(r.errors),
    fmtMs(r.ttfaMs.p50),
    fmtMs(r.ttfaMs.p99),
    same ? '-' : fmtMs(a.ttfaP50),
    same ? '-' : fmtMs(a.ttfaP99),
    fmtMs(r.chunkLatenessMs.p50),
    fmtMs(r.chunkLatenessMs.p99),
    same ? '-' : fmtMs(a.chunkP99),
    String(r.underruns),
    (r.audioBytes / 1e6).toFixed(1),
    fmtMs(r.generatorLagP99Ms),
    pct(phase.cpu.emulator),
    pct(phase.cpu.proxy),
    pct(phase.cpu.loadGenerator),
    waits(phase),
    phase.gateway ? `${(phase.gateway.rssMaxKb / 1024).toFixed(0)} MB` : '',
    loop(phase),
    kb(phase.gateway?.rssPerSessionKb),
  ];
}

const PATH_HEADER =
  'sessions | path | connected | errors | TTFA p50 | TTFA p99 | added TTFA p50 | added TTFA p99 | chunk late p50 | chunk late p99 | added chunk p99 | underruns | audio MB | loadgen lag p99 | emulator CPU | proxy CPU | loadgen CPU | waited for a CPU: emulator / proxy / loadgen | gateway RSS peak | gateway loop delay p99 / max | gateway RSS/session';

export function sideBySideTable(rows: SideBySide[]): string {
  return markdownTable(
    PATH_HEADER,
    rows.flatMap((row) => {
      const d = row.direct.load;
      return [
        [String(row.sessions), ...pathRow('(a) direct', row.direct, d)],
        [String(row.sessions), ...pathRow('(b) nginx', row.nginx, d)],
        [String(row.sessions), ...pathRow('(c) gateway', row.gateway, d)],
      ];
    }),
  );
}

const ratio = (c: number, b: number): string => (b > 0.05 ? (c / b).toFixed(1) : 'n/a (nginx adds ~0)');
/** A p50 / p99 pair in ms. */
const pair = (p50: number, p99: number): string => `${fmtMs(p50)} / ${fmtMs(p99)} ms`;

export function addedTable(rows: SideBySide[]): string {
  const header =
    'sessions | nginx adds TTFA p50 / p99 | gateway adds TTFA p50 / p99 | ratio (c)/(b) p50 / p99 | nginx adds chunk p50 / p99 | gateway adds chunk p50 / p99';
  return markdownTable(
    header,
    rows.map((row) => {
      const b = addedDelay(row.nginx.load, row.direct.load);
      const c = addedDelay(row.gateway.load, row.direct.load);
      return [
        String(row.sessions),
        pair(b.ttfaP50, b.ttfaP99),
        pair(c.ttfaP50, c.ttfaP99),
        `${ratio(c.ttfaP50, b.ttfaP50)} / ${ratio(c.ttfaP99, b.ttfaP99)}`,
        pair(b.chunkP50, b.chunkP99),
        pair(c.chunkP50, c.chunkP99),
      ];
    }),
  );
}

export function capacityTable(steps: CapacityStep[]): string {
  const header =
    'sessions | nginx adds TTFA p99 | gateway adds TTFA p50 / p99 | underruns (direct / nginx / gateway) | flushes | CPU s per audio s (nginx / gateway) | waited for a CPU (nginx / gateway) | gateway loop delay p99 / max | gateway RSS/session | verdict';
  return markdownTable(
    header,
    steps.map((s) => {
      const a = addedDelay(s.gateway.load, s.direct.load);
      const b = addedDelay(s.nginx.load, s.direct.load);
      return [
        String(s.sessions),
        `${fmtMs(b.ttfaP99)} ms`,
        pair(a.ttfaP50, a.ttfaP99),
        `${s.direct.load.underruns} / ${s.nginx.load.underruns} / ${s.gateway.load.underruns}`,
        String(s.gateway.load.flushes),
        `${cpu(s.nginx)} / ${cpu(s.gateway)}`,
        `${waitPct(s.nginx.cpu.wait?.proxy)} / ${waitPct(s.gateway.cpu.wait?.proxy)} %`,
        loop(s.gateway),
        kb(s.gateway.gateway?.rssPerSessionKb),
        s.pass ? 'pass' : `fail: ${s.why}`,
      ];
    }),
  );
}

const cpu = (phase: PhaseResult, which: 'proxy' | 'proxySys' | 'emulator' = 'proxy'): string => {
  const v = cpuPerAudioSecond(phase, phase.cpu[which]);
  return Number.isFinite(v) ? v.toFixed(4) : '';
};

const cpuRatio = (a: number, b: number): string =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : 'n/a';

/**
 * CPU per relayed audio second, per path: the "gateway <= 2x nginx" comparison, split into the kernel's
 * part (socket reads and writes, which both proxies pay alike) and the rest (the proxy's own code).
 */
export function cpuTable(rows: SideBySide[]): string {
  const header =
    'sessions | audio s | nginx CPU s / audio s | gateway CPU s / audio s | gateway / nginx | of which in the kernel: nginx / gateway | gateway / nginx outside the kernel | emulator CPU s / audio s (direct) | emulator CPU per session (% of a core, direct)';
  return markdownTable(
    header,
    rows.map((row) => {
      const n = cpuPerAudioSecond(row.nginx, row.nginx.cpu.proxy);
      const g = cpuPerAudioSecond(row.gateway, row.gateway.cpu.proxy);
      const user = (phase: PhaseResult): number =>
        cpuPerAudioSecond(phase, (phase.cpu.proxy ?? NaN) - (phase.cpu.proxySys ?? NaN));
      const [nUser, gUser] = [user(row.nginx), user(row.gateway)];
      return [
        String(row.sessions),
        audioSeconds(row.gateway.load).toFixed(0),
        cpu(row.nginx),
        cpu(row.gateway),
        cpuRatio(g, n),
        `${cpu(row.nginx, 'proxySys')} / ${cpu(row.gateway, 'proxySys')}`,
        cpuRatio(gUser, nUser),
        cpu(row.direct, 'emulator'),
        (row.direct.cpu.emulator / row.sessions).toFixed(3),
      ];
    }),
  );
}
