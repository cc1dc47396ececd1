import { readFileSync } from 'node:fs';

/** Linux clock ticks per second (`getconf CLK_TCK`), 100 on every mainstream kernel config. */
const CLK_TCK = 100;

export interface ProcSample {
  at: number;
  cpuTicks: number;
  rssKb: number;
}

export interface UsageWindow {
  /** CPU time over wall time, in percent of one core. */
  cpuPercent: number;
  rssMaxKb: number;
}

/** utime + stime of a process, from /proc/<pid>/stat (fields 14 and 15, after the parenthesized name). */
function cpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function sampleProc(pid: number): ProcSample {
  try {
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return {
      at: performance.now(),
      cpuTicks: cpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')),
      rssKb: Number(rss?.[1]),
    };
  } catch {
    return { at: performance.now(), cpuTicks: NaN, rssKb: NaN }; // the process is gone
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
    const ticks = this.first && this.last ? this.last.cpuTicks - this.first.cpuTicks : NaN;
    return { cpuPercent: seconds > 0 ? (ticks / CLK_TCK / seconds) * 100 : NaN, rssMaxKb: this.rssMaxKb };
  }

  private take(): ProcSample {
    const sample = sampleProc(this.pid);
    if (Number.isFinite(sample.cpuTicks)) this.last = sample;
    if (sample.rssKb > this.rssMaxKb) this.rssMaxKb = sample.rssKb;
    return sample;
  }
}
