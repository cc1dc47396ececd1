import { readFileSync } from 'node:fs';

/** Linux clock ticks per second (`getconf CLK_TCK`), 100 on every mainstream kernel config. */
const CLK_TCK = 100;

export interface ProcSample {
  at: number;
  cpuTicks: number;
  /** The part of cpuTicks spent in the kernel (stime): syscalls such as the socket writes. */
  sysTicks: number;
  rssKb: number;
  /** Nanoseconds the main thread was ready to run but waited for a CPU (run_delay in /proc/<pid>/schedstat). */
  waitNs: number;
}

export interface UsageWindow {
  /** CPU time over wall time, in percent of one core. */
  cpuPercent: number;
  /** The kernel's part of cpuPercent. */
  sysPercent: number;
  rssMaxKb: number;
  /**
   * Time the main thread (a Node.js process's event loop, the nginx worker) spent ready to run while
   * every CPU was busy with something else, in percent of the window: how much of a delay comes from
   * sharing the machine rather than from the process's own work. NaN without schedstat.
   */
  waitPercent: number;
}

/** utime + stime, and stime, of a process from /proc/<pid>/stat (fields 14 and 15, after the parenthesized name). */
function cpuTicks(stat: string): { cpu: number; sys: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { cpu: Number(fields[11]) + Number(fields[12]), sys: Number(fields[12]) };
}

/** run_delay of the main thread: the second of the three numbers in /proc/<pid>/schedstat (needs CONFIG_SCHED_INFO). */
function runDelayNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
  } catch {
    return NaN;
  }
}

export function sampleProc(pid: number): ProcSample {
  try {
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const ticks = cpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const at = performance.now();
    return { at, cpuTicks: ticks.cpu, sysTicks: ticks.sys, rssKb: Number(rss?.[1]), waitNs: runDelayNs(pid) };
  } catch {
    return { at: performance.now(), cpuTicks: NaN, sysTicks: NaN, rssKb: NaN, waitNs: NaN }; // the process is gone
  }
}

/** Samples a process's CPU and resident memory at a fixed interval while a measurement runs. */
export class ProcSampler {
  private first?: ProcSample;
  private last?: ProcSample;
  private rssMaxKb = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    this.first = this.take();
    this.timer = setInterval(() => this.take(), this.intervalMs);
  }

  /** Ends the window (takes a last sample) but keeps the numbers for stop(). */
  pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.take();
  }

  stop(): UsageWindow {
    if (this.running) this.pause();
    const seconds = this.first && this.last ? (this.last.at - this.first.at) / 1000 : 0;
    const percent = (ticks: number): number => (seconds > 0 ? (ticks / CLK_TCK / seconds) * 100 : NaN);
    const since = (field: 'cpuTicks' | 'sysTicks' | 'waitNs'): number =>
      this.first && this.last ? this.last[field] - this.first[field] : NaN;
    return {
      cpuPercent: percent(since('cpuTicks')),
      sysPercent: percent(since('sysTicks')),
      rssMaxKb: this.rssMaxKb,
      waitPercent: seconds > 0 ? (since('waitNs') / 1e9 / seconds) * 100 : NaN,
    };
  }

  private take(): ProcSample {
    const sample = sampleProc(this.pid);
    if (Number.isFinite(sample.cpuTicks)) this.last = sample;
    if (sample.rssKb > this.rssMaxKb) this.rssMaxKb = sample.rssKb;
    return sample;
  }
}
