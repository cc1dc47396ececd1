import { fork } from 'node:child_process';
import { join } from 'node:path';
import { LoadMessage, LoadResult, LoadSpec } from './load-generator';
import { EventLoopDelay, scrapeEventLoop } from './gateway-event-loop';
import { ProcSampler, sampleProc } from './proc-sampler';

/** CPU (percent of one core, while the sessions ran) of the processes on the path. */
export interface PathCpu {
  emulator: number;
  /** The nginx worker or the gateway; absent on the direct path. */
  proxy?: number;
  /** The kernel's part of `proxy` (its socket reads and writes). */
  proxySys?: number;
  loadGenerator: number;
}

export interface GatewayMemory {
  rssBaselineKb: number;
  rssMaxKb: number;
  /** (peak RSS - RSS before the sessions connected) / connected sessions. */
  rssPerSessionKb: number;
  eventLoop?: EventLoopDelay;
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
  proxyPid?: number;
  /** The proxy is our gateway: its memory per session and event-loop delay are measured too. */
  gatewayMetricsUrl?: string;
}

const LOAD_GENERATOR = join(__dirname, 'load-generator.js');
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Runs one load generator (its own process) to completion while sampling the processes on the path. */
export function runPhase(spec: LoadSpec, procs: PhaseProcesses): Promise<PhaseResult> {
  const emulator = new ProcSampler(procs.emulatorPid);
  const proxy = procs.proxyPid ? new ProcSampler(procs.proxyPid) : undefined;
  const baselineKb = procs.proxyPid ? sampleProc(procs.proxyPid).rssKb : 0;
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
        [emulator, proxy, generator].forEach((s) => s?.start());
        if (procs.gatewayMetricsUrl) void scrapeEventLoop(procs.gatewayMetricsUrl);
        windowUs[0] = monotonicUs();
      } else {
        result = msg.result;
        windowUs[1] = monotonicUs();
        [emulator, proxy, generator].forEach((s) => (s?.running ? s.pause() : undefined));
      }
    });
    child.on('exit', async (code) => {
      if (!result || !windowUs[0])
        return reject(new Error(`load generator (${spec.kind}, ${spec.sessions}) exited with ${code}`));
      const proxyUsage = proxy?.stop();
      const eventLoop = procs.gatewayMetricsUrl ? await scrapeEventLoop(procs.gatewayMetricsUrl) : undefined;
      resolve({
        load: result,
        windowUs,
        cpu: {
          emulator: emulator.stop().cpuPercent,
          proxy: proxyUsage?.cpuPercent,
          proxySys: proxyUsage?.sysPercent,
          loadGenerator: generator.stop().cpuPercent,
        },
        gateway:
          proxyUsage && procs.gatewayMetricsUrl
            ? {
                eventLoop,
                rssBaselineKb: baselineKb,
                rssMaxKb: proxyUsage.rssMaxKb,
                rssPerSessionKb: result.connected > 0 ? (proxyUsage.rssMaxKb - baselineKb) / result.connected : NaN,
              }
            : undefined,
      });
    });
  });
}
