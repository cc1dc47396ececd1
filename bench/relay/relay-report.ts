import { PhaseResult } from './load-phase';
import { LoadResult } from './load-generator';
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

export interface CapacityStep {
  sessions: number;
  direct: PhaseResult;
  gateway: PhaseResult;
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

/** Capacity criterion: every session served, p99 added delay (first audio and per chunk) under the limit, no underruns. */
export function judge(gateway: LoadResult, direct: LoadResult, maxAddedP99Ms: number): { pass: boolean; why: string } {
  const added = addedDelay(gateway, direct);
  const failures: string[] = [];
  const errors = Object.entries(gateway.errors).map(([k, v]) => `${k} x${v}`);
  if (gateway.connected < gateway.sessions || errors.length)
    failures.push(`errors: ${errors.join(', ') || 'not all connected'}`);
  if (added.ttfaP99 >= maxAddedP99Ms) failures.push(`added TTFA p99 ${fmtMs(added.ttfaP99)} ms`);
  if (added.chunkP99 >= maxAddedP99Ms) failures.push(`added chunk p99 ${fmtMs(added.chunkP99)} ms`);
  if (gateway.underruns > 0) {
    const machine = direct.underruns > 0 ? ` (direct path: ${direct.underruns} too, the machine is saturated)` : '';
    failures.push(`${gateway.underruns} underruns${machine}`);
  }
  return failures.length ? { pass: false, why: failures.join('; ') } : { pass: true, why: 'ok' };
}

const kb = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '' : `${v.toFixed(1)} KB`);
const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '' : `${v.toFixed(0)} %`);
const loop = (phase: PhaseResult): string =>
  phase.gateway?.eventLoop
    ? `${fmtMs(phase.gateway.eventLoop.p99Ms)} / ${fmtMs(phase.gateway.eventLoop.maxMs)} ms`
    : '';
const errs = (r: LoadResult): string =>
  Object.entries(r.errors)
    .map(([k, v]) => `${k} x${v}`)
    .join(', ') || '0';

function pathRow(label: string, phase: PhaseResult, direct: LoadResult): string {
  const r = phase.load;
  const a = addedDelay(r, direct);
  const same = r === direct;
  return [
    label,
    `${r.connected}/${r.sessions}`,
    errs(r),
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
    phase.gateway ? `${(phase.gateway.rssMaxKb / 1024).toFixed(0)} MB` : '',
    loop(phase),
    kb(phase.gateway?.rssPerSessionKb),
  ].join(' | ');
}

const PATH_HEADER =
  '| sessions | path | connected | errors | TTFA p50 | TTFA p99 | added TTFA p50 | added TTFA p99 | chunk late p50 | chunk late p99 | added chunk p99 | underruns | audio MB | loadgen lag p99 | emulator CPU | proxy CPU | loadgen CPU | gateway RSS peak | gateway loop delay p99 / max | gateway RSS/session |\n' +
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';

export function sideBySideTable(rows: SideBySide[]): string {
  const lines = [PATH_HEADER];
  for (const row of rows) {
    const d = row.direct.load;
    lines.push(`| ${row.sessions} | ${pathRow('(a) direct', row.direct, d)} |`);
    lines.push(`| ${row.sessions} | ${pathRow('(b) nginx', row.nginx, d)} |`);
    lines.push(`| ${row.sessions} | ${pathRow('(c) gateway', row.gateway, d)} |`);
  }
  return lines.join('\n');
}

const ratio = (c: number, b: number): string => (b > 0.05 ? (c / b).toFixed(1) : 'n/a (nginx adds ~0)');

export function addedTable(rows: SideBySide[]): string {
  const lines = [
    '| sessions | nginx adds TTFA p50 / p99 | gateway adds TTFA p50 / p99 | ratio (c)/(b) p50 / p99 | nginx adds chunk p50 / p99 | gateway adds chunk p50 / p99 |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const b = addedDelay(row.nginx.load, row.direct.load);
    const c = addedDelay(row.gateway.load, row.direct.load);
    lines.push(
      `| ${row.sessions} | ${fmtMs(b.ttfaP50)} / ${fmtMs(b.ttfaP99)} ms | ${fmtMs(c.ttfaP50)} / ${fmtMs(c.ttfaP99)} ms | ` +
        `${ratio(c.ttfaP50, b.ttfaP50)} / ${ratio(c.ttfaP99, b.ttfaP99)} | ${fmtMs(b.chunkP50)} / ${fmtMs(b.chunkP99)} ms | ` +
        `${fmtMs(c.chunkP50)} / ${fmtMs(c.chunkP99)} ms |`,
    );
  }
  return lines.join('\n');
}

export function capacityTable(steps: CapacityStep[]): string {
  const lines = [
    '| sessions | gateway adds TTFA p50 / p99 | gateway adds chunk p99 | underruns (direct / gateway) | gateway CPU | gateway loop delay p99 / max | gateway RSS/session | verdict |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const s of steps) {
    const a = addedDelay(s.gateway.load, s.direct.load);
    lines.push(
      `| ${s.sessions} | ${fmtMs(a.ttfaP50)} / ${fmtMs(a.ttfaP99)} ms | ${fmtMs(a.chunkP99)} ms | ` +
        `${s.direct.load.underruns} / ${s.gateway.load.underruns} | ${pct(s.gateway.cpu.proxy)} | ${loop(s.gateway)} | ` +
        `${kb(s.gateway.gateway?.rssPerSessionKb)} | ${s.pass ? 'pass' : `fail: ${s.why}`} |`,
    );
  }
  return lines.join('\n');
}
