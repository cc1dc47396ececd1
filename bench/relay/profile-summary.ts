/**
 * Top self-time functions of a V8 .cpuprofile (as written by `node --cpu-prof`), as a markdown table.
 * CLI: node dist/bench/relay/profile-summary.js <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  selfMs: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

/** `file:///x/node_modules/ws/lib/sender.js` -> `ws/lib/sender.js`; `.../dist/apps/gateway/...` -> `apps/gateway/...`. */
function shortUrl(url: string): string {
  if (!url) return '';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  return dist >= 0 ? url.slice(dist + '/dist/'.length) : url.replace(/^file:\/\//, '');
}

/** Microseconds of CLOCK_MONOTONIC, the clock of V8 profile timestamps; limits the summary to a measured window. */
export type WindowUs = [from: number, to: number];

export function topSelfTime(
  profile: CpuProfile,
  top = 15,
  window: WindowUs = [-Infinity, Infinity],
): { busyMs: number; idleMs: number; rows: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { name: string; where: string; us: number }>();
  let idleUs = 0;
  let busyUs = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const node = byId.get(profile.samples[i]);
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (!node || at < window[0] || at > window[1]) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = selfUs.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    selfUs.set(key, entry);
  }
  const rows = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, share: busyUs > 0 ? e.us / busyUs : 0 }));
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, rows };
}

export function profileTable(file: string, top = 15, window?: WindowUs): string {
  const { busyMs, idleMs, rows } = topSelfTime(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top, window);
  const lines = [
    `Busy ${(busyMs / 1000).toFixed(1)} s, idle ${(idleMs / 1000).toFixed(1)} s.`,
    '',
    '| self ms | share of busy | function | where |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.selfMs.toFixed(0)} | ${(r.share * 100).toFixed(1)} % | ${r.name} | ${r.where} |`),
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/relay/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(profileTable(file, top ? Number(top) : 15));
}
