/**
 * The scenarios beside the steady LLM-like load: the first utterance of brand-new sessions
 * (cold start: does it wait for a Deepgram handshake?), a burst on the emulator alone (is the
 * emulator ever the bottleneck?) and session churn (what does a session cost apart from its audio?).
 */
import { BenchOptions } from './bench-options';
import { BenchStack } from './bench-stack';
import { PhaseResult } from './load-phase';
import { PhaseVariant, gatewayPhase, pathPhase } from './relay-runs';
import { burstText } from './session-script';

export interface FirstUtteranceRuns {
  sessions: number;
  direct: PhaseResult;
  nginx: PhaseResult;
  gatewayPoolOff: PhaseResult;
  gatewayPoolOn: PhaseResult;
  poolSize: number;
}

export interface BurstRun {
  sessions: number;
  ttfbMs: number;
  chars: number;
  direct: PhaseResult;
}

/** Short sessions on every path (`churnRuns`). */
export interface ChurnRuns {
  sessions: number;
  seconds: number;
  text: string;
  direct: PhaseResult;
  nginx: PhaseResult;
  /** With `--pool-size` warm upstream connections: a session takes one if ready, the pool opens its replacement. */
  gateway: PhaseResult;
  poolSize: number;
  /** The same, the pool allowed to grow to `--pool-max-size` while sessions arrive faster than it refills. */
  gatewayGrowing?: PhaseResult;
  poolMaxSize?: number;
}

/**
 * Sessions that connect and at once speak one utterance, then a second one after `Flushed`: the first
 * flush's TTFA is the cold figure, the second the warm one. One new session every `spacingMs`, so a
 * pool (if any) has time to refill between arrivals. The gateway runs with its upstream pool off, then on.
 */
export async function firstUtteranceRuns(stack: BenchStack, options: BenchOptions): Promise<FirstUtteranceRuns> {
  const { sessions, spacingMs } = options.firstUtterance;
  const variant = { spec: { cold: true, staggerMs: sessions * spacingMs }, utterances: 2, label: 'cold start' };
  return {
    sessions,
    poolSize: options.poolSize,
    direct: await pathPhase(stack, options, 'direct', sessions, variant),
    nginx: await pathPhase(stack, options, 'nginx', sessions, variant),
    gatewayPoolOff: await gatewayPhase(stack, options, sessions, undefined, {
      ...variant,
      label: 'cold start, pool off',
      gatewayEnv: { UPSTREAM_POOL_SIZE: '0' },
    }),
    gatewayPoolOn: await gatewayPhase(stack, options, sessions, undefined, {
      ...variant,
      label: `cold start, pool ${options.poolSize}`,
      gatewayEnv: { UPSTREAM_POOL_SIZE: String(options.poolSize) },
    }),
  };
}

/** Every session (already connected) says one ~`chars`-character text and flushes, all within one second. */
export async function burstRuns(stack: BenchStack, options: BenchOptions): Promise<BurstRun[]> {
  const { ttfbMs, chars } = options.burst;
  const runs: BurstRun[] = [];
  for (const sessions of options.burst.sessions) {
    const direct = await pathPhase(stack, options, 'direct', sessions, {
      spec: { fixedText: burstText(chars), staggerMs: 1000 },
      utterances: 1,
      emulatorQuery: `&fault_ttfb_ms=${ttfbMs}`,
      label: `burst, TTFB ${ttfbMs} ms`,
    });
    runs.push({ sessions, ttfbMs, chars, direct });
  }
  return runs;
}

/**
 * Sessions that each connect, say one short text, wait for `Flushed` and close, starting evenly over
 * `seconds` (cold: each connects at its start time, inside the measured window), on all three paths.
 * Their CPU per session is what a session costs a path apart from its audio: setup, admission, the
 * usage event, both closes.
 */
export async function churnRuns(stack: BenchStack, options: BenchOptions): Promise<ChurnRuns> {
  const { sessions, seconds, text } = options.churn;
  const variant = churnVariant(options);
  const { poolSize, poolMaxSize } = options;
  const growing = poolSize > 0 && poolMaxSize > poolSize;
  return {
    sessions,
    seconds,
    text,
    poolSize,
    direct: await pathPhase(stack, options, 'direct', sessions, variant),
    nginx: await pathPhase(stack, options, 'nginx', sessions, variant),
    gateway: await gatewayPhase(stack, options, sessions, undefined, variant),
    ...(growing && {
      poolMaxSize,
      gatewayGrowing: await gatewayPhase(stack, options, sessions, undefined, churnVariant(options, poolMaxSize)),
    }),
  };
}

/**
 * The churn scenario's sessions (`--churn-*`), each cold, and its gateways' pool (`--pool-size`, allowed
 * to grow to `maxSize`).
 */
export function churnVariant(
  options: BenchOptions,
  maxSize = options.poolSize,
): PhaseVariant & { gatewayEnv: NodeJS.ProcessEnv } {
  const { seconds, text } = options.churn;
  const growing = maxSize > options.poolSize;
  return {
    spec: { cold: true, fixedText: text, staggerMs: seconds * 1000 },
    utterances: 1,
    label: growing ? `session churn, pool growing to ${maxSize}` : 'session churn',
    gatewayEnv: { UPSTREAM_POOL_SIZE: String(options.poolSize), UPSTREAM_POOL_MAX_SIZE: String(maxSize) },
  };
}
