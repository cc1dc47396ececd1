import { LoadResult } from './load-generator';
import { PhaseResult } from './load-phase';
import { SideBySide, capacityTable, cpuPerAudioSecond, cpuTable, judge, sideBySideTable } from './relay-report';
import { summarize } from './stats';

const criterion = { noiseFloorMs: 5, underrunAllowance: 0.01 };

function phase(ttfaP99: number, underruns = 0, over: Partial<LoadResult> = {}): PhaseResult {
  const load: LoadResult = {
    kind: 'direct',
    sessions: 100,
    connected: 100,
    errors: {},
    ttfaMs: { ...summarize([ttfaP99]), p99: ttfaP99 },
    firstTtfaMs: summarize([]),
    laterTtfaMs: summarize([]),
    chunkLatenessMs: summarize([0]),
    underruns,
    underrunGapMs: summarize([]),
    audioBytes: 32_000 * 100,
    audioFrames: 1000,
    flushes: 300,
    generatorLagP99Ms: 1,
    wallMs: 10_000,
    ...over,
  };
  return { load, windowUs: [0, 10_000_000], cpu: { emulator: 50, proxy: 20, loadGenerator: 10 } };
}

const row = (nginxP99: number, gatewayP99: number, nginxUnderruns = 0, gatewayUnderruns = 0): SideBySide => ({
  sessions: 100,
  direct: phase(150),
  nginx: phase(150 + nginxP99, nginxUnderruns),
  gateway: phase(150 + gatewayP99, gatewayUnderruns),
});

describe(judge.name, () => {
  it('passes a gateway that adds at most twice what nginx adds', () => {
    expect(judge(row(16, 32), criterion).pass).toBe(true);
    expect(judge(row(16, 33), criterion)).toEqual({ pass: false, why: 'added TTFA p99 33.0 ms > 32.0 ms' });
  });

  it('never holds the limit below the noise floor when nginx adds nothing measurable', () => {
    expect(judge(row(-1, 4.9), criterion).pass).toBe(true);
    expect(judge(row(-1, 5.1), criterion).pass).toBe(false);
  });

  it("allows nginx's underruns plus 1 % of the flushes, no more", () => {
    expect(judge(row(10, 10, 2, 5), criterion).pass).toBe(true); // 2 + floor(1 % of 300) = 5
    expect(judge(row(10, 10, 2, 6), criterion)).toEqual({ pass: false, why: '6 underruns > 5' });
  });

  it('fails on any session error', () => {
    const r = row(10, 10);
    r.gateway.load.errors = { 'close:1011': 1 };
    expect(judge(r, criterion)).toEqual({ pass: false, why: 'errors: close:1011 x1' });
  });
});

describe(cpuPerAudioSecond.name, () => {
  it('is CPU seconds over the window divided by audio seconds delivered', () => {
    // 20 % of a core for 10 s = 2 CPU s, for 100 s of 16 kHz linear16 audio.
    expect(cpuPerAudioSecond(phase(150), 20)).toBeCloseTo(0.02, 10);
  });
});

describe(cpuTable.name, () => {
  it("splits each proxy's CPU into the kernel's part and its own code's", () => {
    const r = row(10, 10);
    r.nginx.cpu = { emulator: 50, proxy: 20, proxySys: 15, loadGenerator: 10 };
    r.gateway.cpu = { emulator: 50, proxy: 60, proxySys: 20, loadGenerator: 10 };
    const line = cpuTable([r]).split('\n').pop();
    // 100 audio s over 10 s: 0.02 / 0.06 CPU s per audio s in all (3x), 0.015 / 0.02 in the kernel,
    // 0.005 / 0.04 outside it (8x).
    expect(line).toBe('| 100 | 100 | 0.0200 | 0.0600 | 3.00 | 0.0150 / 0.0200 | 8.00 | 0.0500 | 0.500 |');
  });
});

describe(capacityTable.name, () => {
  it('shows how long nginx and the gateway waited for a CPU, beside their CPU per audio second', () => {
    const r = row(10, 10);
    r.nginx.cpu = { emulator: 50, proxy: 20, loadGenerator: 10, wait: { emulator: 4, proxy: 3.2, loadGenerator: 5 } };
    r.gateway.cpu = {
      emulator: 50,
      proxy: 60,
      loadGenerator: 10,
      wait: { emulator: 9, proxy: 17.6, loadGenerator: 8 },
    };
    const line = capacityTable([{ ...r, pass: true, why: '' }])
      .split('\n')
      .pop();
    expect(line).toContain('| 0.0200 / 0.0600 | 3 / 18 % |');
  });

  it('leaves the wait blank where the kernel keeps no schedstat', () => {
    const line = capacityTable([{ ...row(10, 10), pass: true, why: '' }])
      .split('\n')
      .pop();
    expect(line).toContain('| 0.0200 / 0.0200 | - / - % |');
  });
});

describe(sideBySideTable.name, () => {
  it("gives each process's wait for a CPU on its path", () => {
    const r = row(10, 10);
    r.gateway.cpu = {
      emulator: 50,
      proxy: 60,
      loadGenerator: 10,
      wait: { emulator: 9, proxy: 17.6, loadGenerator: 8 },
    };
    const gatewayLine = sideBySideTable([r]).split('\n').pop();
    expect(gatewayLine).toContain('| 50 % | 60 % | 10 % | 9 / 18 / 8 % |');
  });
});
