import { LoadResult } from './load-generator';
import { PathCpu, PhaseResult } from './load-phase';
import { churnTable, cpuMsPerSession } from './scenario-report';
import { ChurnRuns } from './scenario-runs';
import { summarize } from './stats';

/** A churn phase: `connected` sessions over a 10 s window, 0.3 s of linear16 16 kHz audio each. */
function phase(cpu: PathCpu, connected = 1000): PhaseResult {
  const load: LoadResult = {
    kind: 'direct',
    sessions: 1000,
    connected,
    errors: {},
    ttfaMs: summarize([150, 152]),
    firstTtfaMs: summarize([150, 152]),
    laterTtfaMs: summarize([]),
    chunkLatenessMs: summarize([0]),
    underruns: 0,
    underrunGapMs: summarize([]),
    audioBytes: 9600 * connected,
    audioFrames: connected,
    flushes: connected,
    generatorLagP99Ms: 1,
    wallMs: 10_000,
  };
  return { load, windowUs: [5_000_000, 15_000_000], cpu };
}

describe(cpuMsPerSession.name, () => {
  it('spreads the CPU of the measured window over the sessions that connected', () => {
    // 50 % of a core for 10 s is 5 s of CPU: 5 ms for each of 1,000 sessions, 10 ms for each of 500.
    expect(cpuMsPerSession(phase({ emulator: 0, loadGenerator: 0 }), 50)).toBeCloseTo(5);
    expect(cpuMsPerSession(phase({ emulator: 0, loadGenerator: 0 }, 500), 50)).toBeCloseTo(10);
    expect(cpuMsPerSession(phase({ emulator: 0, loadGenerator: 0 }), undefined)).toBeNaN();
    expect(cpuMsPerSession(phase({ emulator: 0, loadGenerator: 0 }, 0), 50)).toBeNaN();
  });
});

/** 1,000 sessions over 10 s; the gateway at 56 % of a core (10 % in the kernel), nginx as given. */
const churn = (nginx: Pick<PathCpu, 'proxy' | 'proxySys'>): ChurnRuns => ({
  sessions: 1000,
  seconds: 10,
  text: 'Hola.',
  poolSize: 2,
  direct: phase({ emulator: 20, loadGenerator: 30 }),
  nginx: phase({ emulator: 20, loadGenerator: 30, ...nginx }),
  gateway: phase({ emulator: 20, proxy: 56, proxySys: 10, loadGenerator: 30 }),
});

/** The cells of the table's row for `label`. */
const cells = (table: string, label: string): string[] =>
  table
    .split('\n')
    .find((l) => l.startsWith(`| ${label} |`))!
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim());

describe(churnTable.name, () => {
  it("gives each proxy's CPU per session, its kernel part and its ratio to nginx's", () => {
    const table = churnTable(churn({ proxy: 8, proxySys: 6 }));
    expect(cells(table, '(b) nginx')).toEqual([
      '(b) nginx',
      '1000 (1000)',
      '0',
      '100',
      '0.30 s',
      '0.80',
      '0.60',
      '1.00',
      '2.00',
      '150.0 / 152.0 ms',
      '',
    ]);
    expect(cells(table, '(c) gateway, pool of 2').slice(5, 8)).toEqual(['5.60', '1.00', '7.00']);
    expect(cells(table, '(a) direct').slice(5, 9)).toEqual(['', '', '', '2.00']);
  });

  it("gives how many of a gateway run's sessions took a warm upstream from the pool, for the growing pool too", () => {
    const withPool = (hits: number, misses: number): PhaseResult => ({
      ...phase({ emulator: 20, proxy: 56, proxySys: 10, loadGenerator: 30 }),
      gateway: {
        rssBaselineKb: 0,
        rssMaxKb: 0,
        rssPerSessionKb: 0,
        sessionsPerProcess: [1000],
        upstreamPool: { hits, misses },
      },
    });
    const table = churnTable({
      ...churn({ proxy: 8, proxySys: 6 }),
      gateway: withPool(70, 930),
      gatewayGrowing: withPool(974, 26),
      poolMaxSize: 30,
    });

    expect(cells(table, '(c) gateway, pool of 2').at(-1)).toBe('70 of 1000');
    expect(cells(table, '(c) gateway, pool of 2 growing to 30').at(-1)).toBe('974 of 1000');
    expect(cells(table, '(b) nginx').at(-1)).toBe('');
  });

  it('leaves the ratio empty when nginx read no CPU at all (a run shorter than a clock tick)', () => {
    const table = churnTable(churn({ proxy: 0, proxySys: 0 }));
    expect(cells(table, '(c) gateway, pool of 2').slice(5, 8)).toEqual(['5.60', '1.00', '']);
  });
});
