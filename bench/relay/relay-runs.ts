import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchOptions } from './bench-options';
import { PathKind } from './bench-session';
import { BenchStack, GatewayProcess } from './bench-stack';
import { LoadSpec } from './load-generator';
import { PhaseResult, runPhase } from './load-phase';
import { CapacityStep, SideBySide, judge } from './relay-report';

/** Sessions of a warm-up run (JIT, the emulator's connections): never measured. */
export const WARMUP_SESSIONS = 50;
let runSeq = 0;

export const progress = (line: string): boolean =>
  process.stderr.write(`[bench relay] ${new Date().toISOString()} ${line}\n`);

/** What a phase changes from the standard LLM-like run. */
export interface PhaseVariant {
  spec?: Partial<Pick<LoadSpec, 'cold' | 'fixedText' | 'staggerMs'>>;
  utterances?: number;
  /** Appended to the emulator's query on the direct and nginx paths (per-connection emulator options). */
  emulatorQuery?: string;
  /** Gateway environment on top of the bench's. */
  gatewayEnv?: NodeJS.ProcessEnv;
  label?: string;
}

export function loadSpec(
  options: BenchOptions,
  kind: PathKind,
  sessions: number,
  urlTemplate: string | string[],
  variant: PhaseVariant = {},
): LoadSpec {
  return {
    kind,
    urlTemplates: typeof urlTemplate === 'string' ? [urlTemplate] : urlTemplate,
    sessions,
    script: { ...options.script, utterances: variant.utterances ?? options.script.utterances },
    pacing: options.pacing,
    staggerMs: options.staggerMs,
    connectConcurrency: 50,
    connectTimeoutMs: 20_000,
    ...variant.spec,
  };
}

export async function pathPhase(
  stack: BenchStack,
  options: BenchOptions,
  kind: 'direct' | 'nginx',
  n: number,
  variant: PhaseVariant = {},
): Promise<PhaseResult> {
  progress(`${kind} x${n}${variant.label ? ` (${variant.label})` : ''}`);
  const proxyPid = kind === 'nginx' ? stack.nginxWorkerPid() : undefined;
  const url = stack.urlTemplate(kind, `r${++runSeq}`, 0, variant.emulatorQuery);
  return runPhase(loadSpec(options, kind, n, url, variant), {
    emulatorPid: stack.emulatorPid,
    proxyPids: proxyPid === undefined ? [] : [proxyPid],
    cpus: options.cpus?.world,
  });
}

/**
 * Fresh gateway processes per measurement (`--gateway-processes`, one unless told; the profile run always
 * one): their memory baseline is clean, and they are JIT-warmed by a small run first. Several processes
 * share the sessions round-robin, like replicas behind one Service.
 */
export async function gatewayPhase(
  stack: BenchStack,
  options: BenchOptions,
  n: number,
  cpuProfileDir?: string,
  variant: PhaseVariant = {},
): Promise<PhaseResult> {
  const count = cpuProfileDir ? 1 : options.gatewayProcesses;
  const gateways: GatewayProcess[] = [];
  try {
    for (let g = 0; g < count; g++) {
      const name = `gateway-${n}${count > 1 ? `-${g + 1}` : ''}${cpuProfileDir ? '-prof' : ''}`;
      gateways.push(await stack.startGateway(name, cpuProfileDir, variant.gatewayEnv));
    }
    const urls = (run: string): string[] => gateways.map((g) => stack.urlTemplate('gateway', run, g.port));
    const warm = Math.min(WARMUP_SESSIONS * count, n);
    const procs = {
      emulatorPid: stack.emulatorPid,
      proxyPids: gateways.map((g) => g.child.pid!),
      gatewayMetricsUrls: gateways.map((g) => `http://127.0.0.1:${g.port}/metrics`),
      cpus: options.cpus?.world,
    };
    await runPhase(loadSpec(options, 'gateway', warm, urls(`w${++runSeq}`), { utterances: 1 }), procs);
    progress(
      `gateway x${n}${count > 1 ? ` (${count} processes)` : ''}${cpuProfileDir ? ' (cpu profile)' : ''}` +
        `${variant.label ? ` (${variant.label})` : ''}`,
    );
    return await runPhase(loadSpec(options, 'gateway', n, urls(`r${++runSeq}`), variant), procs);
  } finally {
    await Promise.all(gateways.map((g) => stack.stopGateway(g)));
  }
}

export async function warmUpEmulator(stack: BenchStack, options: BenchOptions): Promise<void> {
  await runPhase(loadSpec(options, 'direct', WARMUP_SESSIONS, stack.urlTemplate('direct', 'warm'), { utterances: 1 }), {
    emulatorPid: stack.emulatorPid,
    cpus: options.cpus?.world,
  });
}

export async function sideBySide(stack: BenchStack, options: BenchOptions, n: number): Promise<SideBySide> {
  const direct = await pathPhase(stack, options, 'direct', n);
  const nginx = await pathPhase(stack, options, 'nginx', n);
  const gateway = await gatewayPhase(stack, options, n);
  return { sessions: n, direct, nginx, gateway };
}

/**
 * Steps N up from `start` until the gateway fails the criterion (or down, if `start` already fails)
 * and returns every step; sizes already measured side by side are reused, not run again. Every step
 * measures all three paths: the criterion is relative to nginx's.
 */
export async function capacitySearch(
  stack: BenchStack,
  options: BenchOptions,
  known: SideBySide[],
): Promise<CapacityStep[]> {
  const steps: CapacityStep[] = [];
  const { start, step, max } = options.capacity;
  const measure = async (n: number): Promise<CapacityStep> => {
    const seen = known.find((k) => k.sessions === n) ?? (await sideBySide(stack, options, n));
    const verdict = judge(seen, options);
    progress(`capacity ${n}: ${verdict.pass ? 'pass' : `fail (${verdict.why})`}`);
    const result = { ...seen, ...verdict };
    steps.push(result);
    return result;
  };
  const first = await measure(start);
  const direction = first.pass ? step : -step;
  for (let n = start + direction; step > 0 && n > 0 && n <= max; n += direction) {
    const { pass } = await measure(n);
    if (pass !== first.pass) break;
  }
  return steps.sort((a, b) => a.sessions - b.sessions);
}

/** One more gateway run under `node --cpu-prof`; returns the profile's path (written when the gateway exits). */
export async function profileRun(
  stack: BenchStack,
  options: BenchOptions,
): Promise<{ phase: PhaseResult; file?: string }> {
  const dir = join(stack.workDir, 'cpu-profile');
  const phase = await gatewayPhase(stack, options, options.profileSessions, dir);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return { phase, file: file && join(dir, file) };
}
