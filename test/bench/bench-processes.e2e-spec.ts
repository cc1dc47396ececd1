/**
 * `npm run bench` on a fresh machine: without nginx (and no way to install it) it stops with one clear
 * line before starting anything; when a part fails mid-start, nothing it started is left running; a
 * normal start/stop of the bench stack leaves no process behind; and a standard run with several gateway
 * processes shares the sessions among them and stops them all; the session-churn scenario reports each
 * proxy's CPU per session. Runs the compiled bench (dist/).
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ensureBuilt } from '../ops/app-process';
import { processMark } from '../support/marked-processes';
import type { SideBySide } from '../../bench/relay/relay-report';
import type { ChurnRuns } from '../../bench/relay/scenario-runs';
import { cpuMsPerSession } from '../../bench/relay/scenario-report';

const ROOT = join(__dirname, '..', '..');
const RUN_ALL = join(ROOT, 'dist/bench/src/run-all.js');
const RELAY = join(ROOT, 'dist/bench/relay/main.js');
const STACK = join(ROOT, 'dist/bench/relay/bench-stack.js');

/** This file's scratch directory, also the TMPDIR of its runs: their work directories (logs, nginx prefix) go with it. */
const SCRATCH = mkdtempSync(join(tmpdir(), 'tts-bench-spec-'));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));
/** Marked executable but not a program (no ELF header, no shebang): exec fails. */
const NOT_A_PROGRAM = join(SCRATCH, 'nginx');
writeFileSync(NOT_A_PROGRAM, 'not a program\n', { mode: 0o755 });

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Marks the processes this file starts (inherited down to the emulator): other bench specs run beside it. */
const mark = processMark();
const ENV = { ...process.env, TMPDIR: SCRATCH, ...mark.env };
/** Pids of the processes running `script` (from dist/) that this file's runs started and that are still running. */
const marked = (script: string): number[] => mark.running(join(ROOT, script));
const emulators = (): number[] => marked('dist/bench/relay/emulator-process.js');

describe('bench processes', () => {
  beforeAll(() => ensureBuilt(['bench/src/run-all.js', 'bench/relay/main.js']), 120_000);

  it('without nginx and not allowed to install it, fails with one clear line and starts nothing', () => {
    const run = spawnSync(process.execPath, [RUN_ALL], {
      env: { ...ENV, BENCH_NGINX_BIN: '/nonexistent/nginx', BENCH_INSTALL_NGINX: 'false' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      '[bench] nginx not found at /nonexistent/nginx and BENCH_INSTALL_NGINX=false: ' +
        'install nginx (apt-get install nginx) or point BENCH_NGINX_BIN at one',
    ]);
    expect(emulators()).toEqual([]);
  });

  it.each([
    ['exits at once', '/bin/false'],
    ['cannot be executed', NOT_A_PROGRAM],
  ])(
    'stops the emulator it started when nginx %s',
    (_how, bin) => {
      const before = emulators();
      // The emulator is already up when nginx fails.
      const run = spawnSync(process.execPath, [RELAY, '--quick'], {
        env: { ...ENV, BENCH_NGINX_BIN: bin },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/nginx exited before it was ready/);
      expect(emulators().filter((pid) => !before.includes(pid))).toEqual([]);
    },
    70_000,
  );

  /** Starts the bench stack in a child node, prints its pids, stops it; `env` is the child's environment. */
  const startStopStack = (env: NodeJS.ProcessEnv = ENV) => {
    const script = `
      const { BenchStack } = require(${JSON.stringify(STACK)});
      const { benchOptions } = require(${JSON.stringify(join(ROOT, 'dist/bench/relay/bench-options.js'))});
      (async () => {
        const stack = new BenchStack(benchOptions());
        await stack.start();
        console.log(JSON.stringify({ emulator: stack.emulatorPid, nginx: stack.nginxWorkerPid() }));
        await stack.stop();
      })().catch((e) => { console.error(e); process.exit(1); });`;
    return spawnSync(process.execPath, ['-e', script, '--', '--quick'], { env, encoding: 'utf8', timeout: 60_000 });
  };

  it('BenchStack itself goes through the nginx check: without nginx it fails with one clear line, starting nothing', () => {
    const before = emulators();
    const run = startStopStack({ ...ENV, BENCH_NGINX_BIN: '/nonexistent/nginx', BENCH_INSTALL_NGINX: 'false' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('nginx not found at /nonexistent/nginx and BENCH_INSTALL_NGINX=false');
    expect(emulators().filter((pid) => !before.includes(pid))).toEqual([]);
  }, 70_000);

  // On a machine without nginx (and root with apt-get, as on CI), the stack installs it first.
  it('starts and stops the stack (emulator, nginx) leaving no process behind', () => {
    const run = startStopStack();
    expect(run.stderr.replace(/^\[bench\] nginx not found at .*: installing Debian's nginx with apt-get\n/, '')).toBe(
      '',
    );
    const pids = JSON.parse(run.stdout) as { emulator: number; nginx: number };
    expect(pids.emulator).toBeGreaterThan(0);
    expect(pids.nginx).toBeGreaterThan(0);
    expect([alive(pids.emulator), alive(pids.nginx)]).toEqual([false, false]);
  }, 70_000);

  /**
   * A short quick-mode relay run of the compiled bench (one utterance per session, starts 200 ms apart, no
   * cold-start or burst scenario) with `args` on top, writing its JSON to `out`; it must succeed.
   */
  const quickRelayRun = (out: string, args: string[]) => {
    const run = spawnSync(
      process.execPath,
      [
        RELAY,
        '--quick',
        '--first-sessions=0',
        '--burst-sessions=',
        '--utterances=1',
        '--stagger-ms=200',
        ...args,
        `--out=${out}`,
      ],
      { env: ENV, encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.stderr).not.toMatch(/failed|exited unexpectedly/);
    expect(run.status).toBe(0);
    return run;
  };

  it('with --gateway-processes=2, shares the sessions of the gateway path between two processes, like two replicas, and stops both', () => {
    const out = join(SCRATCH, 'replicas.json');
    const workDirs = () => readdirSync(SCRATCH).filter((f) => f.startsWith('tts-bench-relay-'));
    const workDirsBefore = workDirs();
    const run = quickRelayRun(out, ['--sessions=6', '--gateway-processes=2']);
    const { rows } = JSON.parse(readFileSync(out, 'utf8')) as { rows: SideBySide[] };
    const { direct, gateway } = rows[0];
    // Every session connected and heard its whole script, as on the direct path; three went to each process.
    expect([gateway.load.connected, gateway.load.errors]).toEqual([6, {}]);
    expect(gateway.load.audioBytes).toBe(direct.load.audioBytes);
    expect(gateway.gateway?.sessionsPerProcess).toEqual([3, 3]);
    // Every process's wait for a CPU is read from the kernel: a number for each one on the path
    // (the gateway's is the worse of its two processes), none for a proxy the direct path does not have.
    expect([gateway.cpu.wait?.emulator, gateway.cpu.wait?.proxy, gateway.cpu.wait?.loadGenerator]).toEqual([
      expect.any(Number),
      expect.any(Number),
      expect.any(Number),
    ]);
    expect(
      Math.min(gateway.cpu.wait!.emulator, gateway.cpu.wait!.proxy!, gateway.cpu.wait!.loadGenerator),
    ).toBeGreaterThanOrEqual(0);
    expect(direct.cpu.wait?.proxy).toBeUndefined();
    expect(run.stdout).toContain('Gateway: 2 processes sharing the sessions round-robin');
    // Both gateways (marked: started by this file's run) are gone with the run; other specs' gateways may run.
    expect(marked('dist/apps/gateway/src/main.js')).toEqual([]);
    // A run without a profile leaves no work directory (logs, nginx prefix) in TMPDIR.
    expect(workDirs()).toEqual(workDirsBefore);
  }, 130_000);

  it('with --churn-sessions, runs short sessions on every path and reports each proxy CPU per session', () => {
    const out = join(SCRATCH, 'churn.json');
    const run = quickRelayRun(out, ['--sessions=', '--churn-sessions=24', '--churn-seconds=1', '--pool-max-size=8']);
    const { churn } = JSON.parse(readFileSync(out, 'utf8')) as { churn: ChurnRuns };
    // The gateway runs twice: its pool fixed at 2, then allowed to grow to 8.
    const paths = [churn.direct, churn.nginx, churn.gateway, churn.gatewayGrowing!];
    // Every session of every path connected, said its one text, heard all of it and closed cleanly.
    expect(paths.map((p) => [p.load.connected, p.load.errors, p.load.flushes])).toEqual(Array(4).fill([24, {}, 24]));
    expect(churn.gateway.load.audioBytes).toBe(churn.direct.load.audioBytes);
    expect(churn.gatewayGrowing!.load.audioBytes).toBe(churn.direct.load.audioBytes);
    // Every session took an upstream, warm or not; the pool allowed to grow had more of them warm.
    const pools = [churn.gateway, churn.gatewayGrowing!].map((p) => p.gateway!.upstreamPool);
    expect(pools.map((p) => p.hits + p.misses)).toEqual([24, 24]);
    expect(pools[1].hits).toBeGreaterThan(pools[0].hits);
    expect(churn.gateway.load.audioBytes).toBeGreaterThan(0);
    // The table gives the proxies' CPU per session, from their measured CPU (whole 10 ms clock ticks:
    // nginx's few milliseconds for 24 sessions can read 0; the gateway's never do).
    expect(churn.nginx.cpu.proxy).toBeDefined();
    expect(churn.gateway.cpu.proxy).toBeGreaterThan(0);
    const table = run.stdout.slice(run.stdout.indexOf('### Session churn (24 sessions over 1 s'));
    // Column 6: CPU ms per session; 11: upstreams warm from the pool.
    const cell = (row: string, column = 6) =>
      table
        .split('\n')
        .find((l) => l.startsWith(`| ${row} | 24 (24) | 0 |`))
        ?.split('|')
        [column].trim();
    expect(cell('(c) gateway, pool of 2')).toBe(cpuMsPerSession(churn.gateway, churn.gateway.cpu.proxy).toFixed(2));
    expect(cell('(c) gateway, pool of 2', 11)).toBe(`${pools[0].hits} of 24`);
    expect(cell('(c) gateway, pool of 2 growing to 8')).toBe(
      cpuMsPerSession(churn.gatewayGrowing!, churn.gatewayGrowing!.cpu.proxy).toFixed(2),
    );
    expect(cell('(b) nginx')).toBe(cpuMsPerSession(churn.nginx, churn.nginx.cpu.proxy).toFixed(2));
    expect(marked('dist/apps/gateway/src/main.js')).toEqual([]);
  }, 130_000);

  it('with --upstream-tls, every path reaches the emulator over TLS (wss://), as Deepgram is reached', () => {
    const out = join(SCRATCH, 'tls.json');
    const run = quickRelayRun(out, [
      '--sessions=',
      '--churn-sessions=12',
      '--churn-seconds=1',
      '--upstream-tls',
      '--pool-max-size=2', // no second gateway run: this test is about TLS
    ]);
    const { churn } = JSON.parse(readFileSync(out, 'utf8')) as { churn: ChurnRuns };
    const paths = [churn.direct, churn.nginx, churn.gateway];
    // The emulator speaks nothing but TLS here: a path that reached it in clear would have no session at all.
    expect(paths.map((p) => [p.load.connected, p.load.errors, p.load.flushes])).toEqual(Array(3).fill([12, {}, 12]));
    expect(churn.nginx.load.audioBytes).toBe(churn.direct.load.audioBytes);
    expect(churn.gateway.load.audioBytes).toBe(churn.direct.load.audioBytes);
    expect(churn.gateway.load.audioBytes).toBeGreaterThan(0);
    expect(run.stdout).toContain('handshake 250 ms, over TLS (wss://, as Deepgram)');
    expect(marked('dist/apps/gateway/src/main.js')).toEqual([]);
  }, 130_000);
});
