import { BenchOptions, gatewaySpec } from './bench-options';
import { PathKind } from './bench-session';
import { BenchStack } from './bench-stack';
import { PhaseResult, runPhase } from './load-phase';
import { PhaseVariant, WARMUP_SESSIONS, loadSpec, progress } from './relay-runs';
import { churnVariant } from './scenario-runs';

/** One proxy of a simultaneous run, started and ready. */
interface Contestant {
  name: string;
  /** What its clients speak: Deepgram's protocol (nginx, node pipe) or ours (a gateway). */
  kind: PathKind;
  port: number;
  pid: number;
}

export interface SimultaneousRound {
  round: number;
  results: { proxy: string; phase: PhaseResult }[];
}

async function start(stack: BenchStack, name: string, gatewayEnv: NodeJS.ProcessEnv): Promise<Contestant> {
  if (name === 'nginx') return { name, kind: 'nginx', port: stack.nginxPort, pid: stack.nginxWorkerPid()! };
  if (name === 'node-pipe') {
    const pipe = await stack.startNodePipe();
    return { name, kind: 'nginx', port: pipe.port, pid: pipe.child.pid! };
  }
  // Every other name is a gateway, whose executable and entry exist: benchOptions checked them.
  const { node, entry, nodeOptions } = gatewaySpec(name) ?? {};
  const env = nodeOptions === undefined ? gatewayEnv : { ...gatewayEnv, NODE_OPTIONS: nodeOptions };
  const gateway = await stack.startGateway(`sim-${name.replace(/[^a-z0-9-]/gi, '_')}`, undefined, env, entry, node);
  return { name, kind: 'gateway', port: gateway.port, pid: gateway.child.pid! };
}

function runAll(
  stack: BenchStack,
  options: BenchOptions,
  contestants: Contestant[],
  sessions: number,
  run: string,
  variant: PhaseVariant,
): Promise<PhaseResult[]> {
  return Promise.all(
    contestants.map((c, i) => {
      const url = stack.urlTemplate(c.kind, `${run}-${i}`, c.port, '', c.port);
      return runPhase(loadSpec(options, c.kind, sessions, url, variant), {
        emulatorPid: stack.emulatorPid,
        proxyPids: [c.pid],
        cpus: options.cpus?.world,
      });
    }),
  );
}

/**
 * Every proxy named in `--simultaneous` relays its own `sessions` sessions at the same time as the
 * others, through the one emulator, `rounds` times after a warm-up: what one costs against another
 * under the very same machine load, free of the drift between runs that separate phases suffer.
 */
export async function simultaneousRuns(stack: BenchStack, options: BenchOptions): Promise<SimultaneousRound[]> {
  const { proxies, sessions, rounds, churn } = options.simultaneous;
  // Churn: every session is the churn scenario's (one short text), so rounds compare the cost of a session.
  const variant: PhaseVariant = churn ? churnVariant(options) : {};
  const contestants: Contestant[] = [];
  for (const name of proxies) contestants.push(await start(stack, name, variant.gatewayEnv ?? {}));
  const warm = Math.min(WARMUP_SESSIONS, sessions);
  progress(`simultaneous warm-up: ${proxies.join(', ')} x${warm}`);
  await runAll(stack, options, contestants, warm, 'sim-warm', { utterances: 1 });
  const results: SimultaneousRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    progress(`simultaneous round ${round}/${rounds}: ${proxies.join(', ')} x${sessions} each`);
    // Each round starts the proxies' load in another order: whichever starts first measures ~2 % more
    // CPU per audio second (seen with one build named twice), a bias that rotating cancels out.
    const order = rotated(
      contestants.map((_, i) => i),
      round - 1,
    );
    const phases = await runAll(
      stack,
      options,
      order.map((i) => contestants[i]),
      sessions,
      `sim-${round}`,
      variant,
    );
    const byProxy = order.map((i, at) => ({ i, phase: phases[at] })).sort((a, b) => a.i - b.i);
    results.push({ round, results: byProxy.map(({ i, phase }) => ({ proxy: proxies[i], phase })) });
  }
  return results;
}

/** `items` turned left by `by` places: [a, b, c] by 1 is [b, c, a]. */
export function rotated<T>(items: readonly T[], by: number): T[] {
  const n = items.length;
  return n === 0 ? [] : items.map((_, i) => items[(i + by) % n]);
}
