import { fork } from 'node:child_process';
import { join } from 'node:path';
import { LoadMessage, LoadResult, LoadSpec } from './load-generator';
import { EventLoopDelay, GatewaySample, scrapeGateway } from './gateway-event-loop';
import { ProcSampler, UsageWindow, sampleProc } from './proc-sampler';

/** CPU (percent of one core, while the sessions ran) of the processes on the path. */
export interface PathCpu {
  emulator: number;
  /** The nginx worker or the gateway (all its processes together); absent on the direct path. */
  proxy?: number;
  /** The kernel's part of `proxy` (its socket reads and writes). */
  proxySys?: number;
  loadGenerator: number;
  /**
   * Percent of the window each process's main thread was ready to run but waited for a CPU (the proxy:
   * its worst process). Absent where the kernel keeps no schedstat.
   */
  wait?: { emulator: number; proxy?: number; loadGenerator: number };
}

export interface GatewayMemory {
  rssBaselineKb: number;
  rssMaxKb: number;
  /** (peak RSS - RSS before the sessions connected) / connected sessions. */
  rssPerSessionKb: number;
  eventLoop?: EventLoopDelay;
  /** Sessions each gateway process started during the phase: how the sessions were shared out. */
  sessionsPerProcess: number[];
  /** Upstreams the phase's sessions took warm from the pool / had to open themselves, all processes. */
  upstreamPool: { hits: number; misses: number };
}

export interface PhaseResult {
  load: LoadResult;
  /** CLOCK_MONOTONIC microseconds (V8 profile timestamps use the same clock) of the measured window. */
  windowUs: [number, number];
  cpu: PathCpu;
  gateway?: GatewayMemory;
}

export interface PhaseProcesses {
  /** CPU list the load generator is confined to (taskset), if pinning. */
  cpus?: string;
  emulatorPid: number;
  /** The proxy's processes (one, or several gateway replicas sharing the sessions): their CPU and memory add up. */
  proxyPids?: number[];
  /** The proxy is our gateway: its memory per session and event-loop delay are measured too (one URL per process). */
  gatewayMetricsUrls?: string[];
}

const LOAD_GENERATOR = join(__dirname, 'load-generator.js');
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * Several processes' windows as one: CPU adds up; so does peak memory (an upper bound: the peaks may not
 * coincide); the wait for a CPU is the worst process's.
 */
function sum(windows: UsageWindow[]): UsageWindow {
  return {
    cpuPercent: windows.reduce((t, w) => t + w.cpuPercent, 0),
    sysPercent: windows.reduce((t, w) => t + w.sysPercent, 0),
    rssMaxKb: windows.reduce((t, w) => t + w.rssMaxKb, 0),
    waitPercent: Math.max(...windows.map((w) => w.waitPercent)),
  };
}

/** The worst event loop of the gateway's processes. */
function worst(loops: (EventLoopDelay | undefined)[]): EventLoopDelay | undefined {
  const seen = loops.filter((l): l is EventLoopDelay => l !== undefined);
  if (!seen.length) return undefined;
  return { p99Ms: Math.max(...seen.map((l) => l.p99Ms)), maxMs: Math.max(...seen.map((l) => l.maxMs)) };
}

const scrapeAll = (urls: string[]): Promise<(GatewaySample | undefined)[]> => Promise.all(urls.map(scrapeGateway));

type Counter = 'sessionsStarted' | 'poolHits' | 'poolMisses';
/** The growth of a counter over the phase, per process (NaN where a scrape failed). */
const grew = (before: (GatewaySample | undefined)[], after: (GatewaySample | undefined)[], counter: Counter) =>
  after.map((sample, i) => (sample?.[counter] ?? NaN) - (before[i]?.[counter] ?? NaN));
const total = (values: number[]): number => values.reduce((t, v) => t + v, 0);

/** Runs one load generator (its own process) to completion while sampling the processes on the path. */
export async function runPhase(spec: LoadSpec, procs: PhaseProcesses): Promise<PhaseResult> {
  const metricsUrls = procs.gatewayMetricsUrls ?? [];
  const before = await scrapeAll(metricsUrls);
  const emulator = new ProcSampler(procs.emulatorPid);
  const proxyPids = procs.proxyPids ?? [];
  const proxies = proxyPids.map((pid) => new ProcSampler(pid));
  const baselineKb = proxyPids.reduce((t, pid) => t + sampleProc(pid).rssKb, 0);
  return new Promise((resolve, reject) => {
    // `taskset -c <cpus> node ...` execs node in place, so fork's IPC channel still reaches it.
    const pin = procs.cpus ? { execPath: 'taskset', execArgv: ['-c', procs.cpus, process.execPath] } : {};
    const child = fork(LOAD_GENERATOR, [JSON.stringify(spec)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...pin,
    });
    const generator = new ProcSampler(child.pid!);
    let result: LoadResult | undefined;
    const windowUs: [number, number] = [0, 0];
    child.on('message', (msg: LoadMessage) => {
      if (msg.event === 'connected') {
        // CPU and memory are measured from here: all sessions connected, streaming about to start.
        [emulator, ...proxies, generator].forEach((s) => s.start());
        void scrapeAll(metricsUrls);
        windowUs[0] = monotonicUs();
      } else {
        result = msg.result;
        windowUs[1] = monotonicUs();
        [emulator, ...proxies, generator].forEach((s) => (s.running ? s.pause() : undefined));
      }
    });
    child.on('exit', async (code) => {
      if (!result || !windowUs[0])
        return reject(new Error(`load generator (${spec.kind}, ${spec.sessions}) exited with ${code}`));
      const proxyUsage = proxies.length ? sum(proxies.map((p) => p.stop())) : undefined;
      const [emulatorUsage, generatorUsage] = [emulator.stop(), generator.stop()];
      const after = await scrapeAll(metricsUrls);
      resolve({
        load: result,
        windowUs,
        cpu: {
          emulator: emulatorUsage.cpuPercent,
          proxy: proxyUsage?.cpuPercent,
          proxySys: proxyUsage?.sysPercent,
          loadGenerator: generatorUsage.cpuPercent,
          wait: Number.isFinite(emulatorUsage.waitPercent)
            ? {
                emulator: emulatorUsage.waitPercent,
                proxy: proxyUsage?.waitPercent,
                loadGenerator: generatorUsage.waitPercent,
              }
            : undefined,
        },
        gateway:
          proxyUsage && metricsUrls.length
            ? {
                eventLoop: worst(after.map((sample) => sample?.eventLoop)),
                sessionsPerProcess: grew(before, after, 'sessionsStarted'),
                upstreamPool: {
                  hits: total(grew(before, after, 'poolHits')),
                  misses: total(grew(before, after, 'poolMisses')),
                },
                rssBaselineKb: baselineKb,
                rssMaxKb: proxyUsage.rssMaxKb,
                rssPerSessionKb: result.connected > 0 ? (proxyUsage.rssMaxKb - baselineKb) / result.connected : NaN,
              }
            : undefined,
      });
    });
  });
}
