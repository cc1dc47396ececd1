import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { SessionPacing } from './bench-session';
import { ScriptShape } from './session-script';

/** Everything a relay bench run can be told, from `--name=value` arguments or BENCH_* variables. */
export interface BenchOptions {
  mode: 'quick' | 'full';
  /** Session counts measured side by side on all three paths. */
  sessions: number[];
  /** Capacity search: from `start`, by `step` up while it passes (down while it fails), up to `max`; 0 = off. */
  capacity: { start: number; step: number; max: number };
  /** Sessions of the extra run with `node --cpu-prof` on the gateway; 0 skips it. */
  profileSessions: number;
  script: ScriptShape;
  pacing: SessionPacing;
  staggerMs: number;
  emulatorTtfbMs: number;
  emulatorSpeed: number;
  /** The emulator delays every upgrade this long, like Deepgram's TLS and websocket handshake. */
  handshakeMs: number;
  /** Cold-start scenario: sessions that connect and speak at once, one every `spacingMs`; 0 sessions = off. */
  firstUtterance: { sessions: number; spacingMs: number };
  /**
   * The emulator serves wss:// (TLS, with the test certificate in test/fixtures/tls), as Deepgram does: nginx
   * and the gateway pay a TLS handshake per upstream connection and encrypt what they send, as in production.
   */
  upstreamTls: boolean;
  /** Gateway upstream pool size of the cold-start scenario's "pool on" run and of the churn run (0 = pool off). */
  poolSize: number;
  /**
   * The churn scenario also runs a gateway whose pool may grow to this many connections under load
   * (`UPSTREAM_POOL_MAX_SIZE`); at or below `poolSize`, that run is left out.
   */
  poolMaxSize: number;
  /** Burst scenario on the direct path: every session flushes one `chars`-long text within one second. */
  burst: { sessions: number[]; ttfbMs: number; chars: number };
  /**
   * Session churn on every path: `sessions` short sessions (connect, one Speak of `text`, Flush, Close)
   * starting evenly over `seconds`; what a session costs apart from its audio. 0 sessions = off.
   */
  churn: { sessions: number; seconds: number; text: string };
  /**
   * Capacity criterion: added TTFA p99 at most twice nginx's, but never held below this floor (nginx
   * often adds nothing measurable, and twice nothing is no limit a proxy can meet).
   */
  noiseFloorMs: number;
  /** Capacity criterion: underruns at most nginx's plus this share of the flushes. */
  underrunAllowance: number;
  gatewayLogLevel: string;
  /**
   * Gateway processes of each gateway measurement, sharing its sessions round-robin (as replicas behind a
   * Service would); their CPU and memory add up in the report. 1 unless told.
   */
  gatewayProcesses: number;
  /** NODE_OPTIONS of every gateway the bench starts (a V8 or Node flag under test); empty: none. */
  gatewayNodeOptions: string;
  /**
   * CPU lists (taskset) when pinning: the proxy under test (nginx or gateway) alone on `proxy`, the
   * emulator and the load generator on `world`, so a proxy is measured, not its neighbours. Off: undefined.
   */
  cpus?: { world: string; proxy: string };
  redisUrl: string;
  /**
   * Simultaneous mode (instead of the standard run): these proxies relay `sessions` sessions each at the
   * same time, `rounds` times, so a lever is compared under the very same machine load. Each is
   * `nginx`, `node-pipe` or a gateway: `gateway` (this checkout), then optionally `%<another Node.js executable>`,
   * `@<another build's dist/apps/gateway/src/main.js>` and `+<NODE_OPTIONS of that gateway alone>`, in that order.
   * `churn`: the sessions are the churn scenario's (`churn`: one short text each, starts spread over its
   * window), so what is compared is the cost of a session rather than of its audio.
   */
  simultaneous: { proxies: string[]; sessions: number; rounds: number; churn: boolean };
  /** Where the JSON of every measurement goes (besides the markdown on stdout). */
  outFile?: string;
}

/** The churn scenario's one utterance: short (about 0.3 s of audio), so a session is mostly its setup and end. */
export const CHURN_TEXT = 'Hola.';

const PROXY_NAMES = ['nginx', 'node-pipe', 'gateway'];
/**
 * `gateway`, optionally `%<the Node.js executable to run it>`, `@<another build's main.js>` and `+<its own
 * NODE_OPTIONS>` (spaces between options).
 */
const GATEWAY_SPEC = /^gateway(?:%([^@+]+))?(?:@([^+]+))?(?:\+(.+))?$/;

/** A gateway of `--simultaneous`: what runs it (undefined: the bench's defaults); undefined if `name` is no gateway. */
export function gatewaySpec(name: string): { node?: string; entry?: string; nodeOptions?: string } | undefined {
  const match = GATEWAY_SPEC.exec(name);
  return match ? { node: match[1], entry: match[2], nodeOptions: match[3] } : undefined;
}

function lookup(argv: string[], name: string): string | undefined {
  const flag = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (flag) return flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : 'true';
  return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
}

const list = (value: string): number[] =>
  value
    .split(',')
    .map((v) => Number(v.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);

function proxyList(value: string): string[] {
  const proxies = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of proxies) {
    const gateway = gatewaySpec(p);
    if (!PROXY_NAMES.includes(p) && !gateway)
      throw new Error(
        `--simultaneous: unknown proxy "${p}" (nginx, node-pipe, gateway, gateway%<node executable>, gateway@<path to main.js>, gateway+<node options>)`,
      );
    for (const file of [gateway?.node, gateway?.entry])
      if (file !== undefined && !existsSync(file)) throw new Error(`--simultaneous: ${file} does not exist`);
  }
  if (proxies.length === 1) throw new Error('--simultaneous needs at least two proxies to compare');
  return proxies;
}

export function benchOptions(argv = process.argv.slice(2)): BenchOptions {
  const options = parseOptions(argv);
  if (options.upstreamTls && options.simultaneous.proxies.includes('node-pipe'))
    throw new Error('--upstream-tls: node-pipe forwards bytes unencrypted to a plain upstream; leave it out');
  return options;
}

function parseOptions(argv: string[]): BenchOptions {
  const get = (name: string): string | undefined => lookup(argv, name);
  const num = (name: string, fallback: number): number => {
    const value = get(name);
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${value}`);
    return n;
  };
  // Full is the default: about 5 minutes here; the capacity search is bounded to 4 steps past its start.
  const mode = get('quick') === 'true' || get('mode') === 'quick' ? 'quick' : 'full';
  const full = mode === 'full';
  return {
    mode,
    sessions: list(get('sessions') ?? '100,500,1000'),
    capacity: {
      start: num('capacity-start', full ? 750 : 0),
      step: num('capacity-step', 250),
      max: num('capacity-max', num('capacity-start', full ? 750 : 0) + 4 * num('capacity-step', 250)),
    },
    profileSessions: num('profile-sessions', full ? 500 : 0),
    script: {
      utterances: num('utterances', full ? 3 : 2),
      chunksPerUtterance: num('chunks', 4),
      minWords: 2,
      maxWords: 4,
    },
    pacing: {
      speakGapMs: num('speak-gap-ms', 40),
      thinkMs: num('think-ms', 300),
      prerollMs: num('preroll-ms', 50),
      flushTimeoutMs: 30_000,
    },
    staggerMs: num('stagger-ms', 3000),
    emulatorTtfbMs: num('ttfb-ms', 150),
    emulatorSpeed: num('speed', 1),
    handshakeMs: num('handshake-ms', 250),
    firstUtterance: { sessions: num('first-sessions', full ? 50 : 20), spacingMs: num('first-spacing-ms', 200) },
    upstreamTls: get('upstream-tls') === 'true',
    poolSize: num('pool-size', 2),
    poolMaxSize: num('pool-max-size', 30),
    burst: {
      sessions: list(get('burst-sessions') ?? (full ? '300,1000' : '300')),
      ttfbMs: num('burst-ttfb-ms', 20),
      chars: num('burst-chars', 240),
    },
    churn: {
      sessions: num('churn-sessions', full ? 1000 : 0),
      seconds: num('churn-seconds', 10),
      text: get('churn-text') || CHURN_TEXT, // empty: the default (an empty Speak is refused)
    },
    noiseFloorMs: num('noise-floor-ms', 5),
    underrunAllowance: num('underrun-allowance', 0.01),
    gatewayLogLevel: get('gateway-log-level') ?? 'info',
    gatewayNodeOptions: get('gateway-node-options') ?? '',
    gatewayProcesses: Math.max(1, Math.round(num('gateway-processes', 1))),
    cpus: get('pin') === 'true' && cpus().length >= 2 ? { world: '0', proxy: '1' } : undefined,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    simultaneous: {
      proxies: proxyList(get('simultaneous') ?? ''),
      sessions: num('simultaneous-sessions', 250),
      rounds: num('simultaneous-rounds', 3),
      churn: get('simultaneous-churn') === 'true',
    },
    outFile: get('out'),
  };
}
