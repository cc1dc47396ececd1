/**
 * `npm run bench -- --simultaneous=...`: proxies relay their own sessions at the same time through one
 * emulator, and the report gives each one's CPU per audio second and latency. Runs the compiled bench.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ensureBuilt } from '../ops/app-process';
import { processMark } from '../support/marked-processes';
import type { SimultaneousRound } from '../../bench/relay/simultaneous-runs';

const ROOT = join(__dirname, '..', '..');
const RELAY = join(ROOT, 'dist/bench/relay/main.js');
const GATEWAY = join(ROOT, 'dist/apps/gateway/src/main.js');

/** Marks the processes this file's run starts: other specs' gateways may run beside it. */
const mark = processMark();

describe('bench, simultaneous mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tts-bench-sim-'));
  beforeAll(() => ensureBuilt(['bench/relay/main.js', 'bench/relay/node-pipe.js']), 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The compiled relay bench in quick mode; without nginx in the list, no nginx is needed (nor installed). */
  const runRelay = (args: string[], timeout: number) =>
    spawnSync(process.execPath, [RELAY, '--quick', ...args], {
      encoding: 'utf8',
      timeout,
      // TMPDIR: the run's work directory (logs) goes with this file's.
      env: {
        ...process.env,
        ...mark.env,
        TMPDIR: dir,
        BENCH_NGINX_BIN: '/nonexistent/nginx',
        BENCH_INSTALL_NGINX: 'false',
      },
    });

  it('runs a node pipe, this gateway and a gateway named by path with its own Node.js executable and node options at the same time, each relaying all its audio, needing no nginx', () => {
    const out = join(dir, 'sim.json');
    // The third proxy's own NODE_OPTIONS load this file, which records the pid of the process it runs in.
    const started = join(dir, 'started');
    const marker = join(dir, 'marker.js');
    writeFileSync(marker, `require('fs').appendFileSync(${JSON.stringify(started)}, process.pid + '\\n');\n`);
    // Its Node.js executable: a script that records its pid, then becomes node (same pid).
    const viaWrapper = join(dir, 'via-wrapper');
    const wrapper = join(dir, 'node');
    writeFileSync(wrapper, `#!/bin/sh\necho $$ >> ${viaWrapper}\nexec ${process.execPath} "$@"\n`, { mode: 0o755 });
    const third = `gateway%${wrapper}@${GATEWAY}+--require ${marker}`;
    const run = runRelay(
      [
        `--simultaneous=node-pipe,gateway,${third}`,
        '--simultaneous-sessions=4',
        '--simultaneous-rounds=2',
        '--utterances=1',
        '--stagger-ms=200',
        `--out=${out}`,
      ],
      100_000,
    );
    expect(run.stderr).not.toMatch(/failed|exited unexpectedly/);
    expect(run.status).toBe(0);
    const { simultaneous } = JSON.parse(readFileSync(out, 'utf8')) as { simultaneous: SimultaneousRound[] };
    expect(simultaneous.map((r) => r.results.map((x) => x.proxy))).toEqual([
      ['node-pipe', 'gateway', third],
      ['node-pipe', 'gateway', third],
    ]);
    // Only that gateway got those options (one process loaded the marker), and it ran on the named executable.
    const marked = readFileSync(started, 'utf8').trim().split('\n');
    expect(marked).toHaveLength(1);
    expect(readFileSync(viaWrapper, 'utf8').trim().split('\n')).toEqual(marked);
    for (const { results } of simultaneous) {
      // Every session of every proxy connected and heard its whole (deterministic) script: the same audio on each.
      expect(results.map((r) => [r.phase.load.connected, r.phase.load.errors])).toEqual(results.map(() => [4, {}]));
      const audio = results.map((r) => r.phase.load.audioBytes);
      expect(audio[0]).toBeGreaterThan(0);
      expect(audio).toEqual([audio[0], audio[0], audio[0]]);
      for (const r of results) expect(r.phase.cpu.proxy).toBeGreaterThan(0);
    }
    expect(run.stdout).toContain('## Proxies side by side, at the same time (3 x 4 sessions, 2 rounds)');
    expect(run.stdout).toMatch(/^\| node-pipe \| [\d.]+ \| [\d.]+ \| 1\.000 \(1\.000 - 1\.000\) \|$/m);
    expect(run.stdout).toMatch(/^\| 2 \| gateway \| 4\/4 \| 0 \| [\d.]+ \| [\d.]+ \|/m);
    // The node pipe and both gateways are stopped with the run.
    expect(mark.running(join(ROOT, 'dist/bench/relay/node-pipe.js'))).toEqual([]);
    expect(mark.running(GATEWAY)).toEqual([]);
  }, 110_000);

  it('compares the cost of a session with --simultaneous-churn: each proxy relays the same short sessions, CPU per session reported', () => {
    const out = join(dir, 'churn.json');
    const run = runRelay(
      [
        '--simultaneous=node-pipe,gateway',
        '--simultaneous-churn',
        '--simultaneous-sessions=6',
        '--simultaneous-rounds=1',
        '--churn-seconds=1',
        '--pool-size=3',
        `--out=${out}`,
      ],
      60_000,
    );
    expect(run.stderr).not.toMatch(/failed|exited unexpectedly/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('one "Hola." per session (session churn), starts spread over 1 s, gateway pool of 3');
    const { simultaneous } = JSON.parse(readFileSync(out, 'utf8')) as { simultaneous: SimultaneousRound[] };
    const [{ results }] = simultaneous;
    // One utterance of the churn text each: every session connected and heard it, the same on both paths.
    expect(results.map((r) => [r.proxy, r.phase.load.connected, r.phase.load.errors, r.phase.load.flushes])).toEqual([
      ['node-pipe', 6, {}, 6],
      ['gateway', 6, {}, 6],
    ]);
    expect(results[1].phase.load.audioBytes).toBe(results[0].phase.load.audioBytes);
    // The rounds table: CPU per audio second, vs first, kernel share, then CPU ms per session.
    expect(run.stdout).toMatch(/^\| 1 \| gateway \| 6\/6 \| 0 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| /m);
    expect(mark.running(GATEWAY)).toEqual([]);
  }, 70_000);

  it('refuses an unknown proxy, a single one or a missing executable or build with a clear error, starting nothing', () => {
    for (const [arg, message] of [
      ['--simultaneous=nginx,squid', '--simultaneous: unknown proxy "squid"'],
      ['--simultaneous=gateway', '--simultaneous needs at least two proxies to compare'],
      ['--simultaneous=node-pipe,gateway%/nonexistent/node', '--simultaneous: /nonexistent/node does not exist'],
      ['--simultaneous=gateway,gateway@/nonexistent/main.js', '--simultaneous: /nonexistent/main.js does not exist'],
    ]) {
      const run = spawnSync(process.execPath, [RELAY, '--quick', arg], { encoding: 'utf8', timeout: 20_000 });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe('');
    }
  });
});
