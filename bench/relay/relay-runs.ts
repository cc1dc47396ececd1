import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchOptions } from './bench-options';
import { PathKind } from './bench-session';
import { BenchStack, GatewayProcess } from './bench-stack';
import { LoadSpec } from './load-generator';
import { PhaseResult, runPhase } from './load-phase';
import { CapacityStep, SideBySide, judge } from './relay-report';

const WARMUP_SESSIONS = 50;
let runSeq = 0;

const progress = (line: string): boolean => process.stderr.write(`[bench relay] ${new Date().toISOString()} ${line}\n`);

function loadSpec(
  options: BenchOptions,
  kind: PathKind,
  sessions: number,
  urlTemplate: string,
  utterances?: number,
): LoadSpec {
  return {
    kind,
    urlTemplate,
    sessions,
    script: { ...options.script, utterances: utterances ?? options.script.utterances },
    pacing: options.pacing,
    staggerMs: options.staggerMs,
    connectConcurrency: 50,
    connectTimeoutMs: 20_000,
  };
}

async function pathPhase(
  stack: BenchStack,
  options: BenchOptions,
  kind: 'direct' | 'nginx',
  n: number,
): Promise<PhaseResult> {
  progress(`${kind} x${n}`);
  const proxyPid = kind === 'nginx' ? stack.nginxWorkerPid() : undefined;
  return runPhase(loadSpec(options, kind, n, stack.urlTemplate(kind, `r${++runSeq}`)), {
    emulatorPid: stack.emulatorPid,
    proxyPid,
    cpus: options.cpus?.world,
  });
}

/** A fresh gateway per measurement: its memory baseline is clean, and it is JIT-warmed by a small run first. */
async function gatewayPhase(
  stack: BenchStack,
  options: BenchOptions,
  n: number,
  cpuProfileDir?: string,
): Promise<PhaseResult> {
  const gateway: GatewayProcess = await stack.startGateway(
    `gateway-${n}${cpuProfileDir ? '-prof' : ''}`,
    cpuProfileDir,
  );
  try {
    const warm = Math.min(WARMUP_SESSIONS, n);
    const procs = {
      emulatorPid: stack.emulatorPid,
      proxyPid: gateway.child.pid,
      gatewayMetricsUrl: `http://127.0.0.1:${gateway.port}/metrics`,
      cpus: options.cpus?.world,
    };
    await runPhase(
      loadSpec(options, 'gateway', warm, stack.urlTemplate('gateway', `w${++runSeq}`, gateway.port), 1),
      procs,
    );
    progress(`gateway x${n}${cpuProfileDir ? ' (cpu profile)' : ''}`);
    return await runPhase(
      loadSpec(options, 'gateway', n, stack.urlTemplate('gateway', `r${++runSeq}`, gateway.port)),
      procs,
    );
  } finally {
    await stack.stopGateway(gateway);
  }
}

export async function warmUpEmulator(stack: BenchStack, options: BenchOptions): Promise<void> {
  await runPhase(loadSpec(options, 'direct', WARMUP_SESSIONS, stack.urlTemplate('direct', 'warm'), 1), {
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
 * and returns every step; sizes already measured side by side are reused, not run again.
 */
export async function capacitySearch(
  stack: BenchStack,
  options: BenchOptions,
  known: SideBySide[],
): Promise<CapacityStep[]> {
  const steps: CapacityStep[] = [];
  const { start, step, max } = options.capacity;
  const measure = async (n: number): Promise<CapacityStep> => {
    const seen = known.find((k) => k.sessions === n);
    const direct = seen?.direct ?? (await pathPhase(stack, options, 'direct', n));
    const gateway = seen?.gateway ?? (await gatewayPhase(stack, options, n));
    const verdict = judge(gateway.load, direct.load, options.maxAddedP99Ms);
    progress(`capacity ${n}: ${verdict.pass ? 'pass' : `fail (${verdict.why})`}`);
    const result = { sessions: n, direct, gateway, ...verdict };
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
