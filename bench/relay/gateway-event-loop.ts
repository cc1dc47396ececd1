/**
 * The gateway's own event-loop delay during a measurement, from its Prometheus endpoint: prom-client
 * resets its event-loop histogram at every scrape, so a scrape before and one after bracket the window.
 */

/** prom-client samples the loop with a 10 ms timer; its numbers include that interval. */
const PROM_CLIENT_SAMPLING_MS = 10;

export interface EventLoopDelay {
  /** Delay beyond the sampling interval, ms. */
  p99Ms: number;
  maxMs: number;
}

/** A sample's value in a Prometheus text exposition (the first series of that name), NaN if absent. */
export function gauge(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}

export async function scrapeEventLoop(metricsUrl: string): Promise<EventLoopDelay | undefined> {
  try {
    const res = await fetch(metricsUrl);
    if (!res.ok) return undefined;
    const text = await res.text();
    const beyond = (seconds: number): number => Math.max(0, seconds * 1000 - PROM_CLIENT_SAMPLING_MS);
    return {
      p99Ms: beyond(gauge(text, 'nodejs_eventloop_lag_p99_seconds')),
      maxMs: beyond(gauge(text, 'nodejs_eventloop_lag_max_seconds')),
    };
  } catch {
    return undefined;
  }
}

/** The gateway's counters since it began, each NaN if unreadable. */
export async function scrapeCounters(metricsUrl: string, names: readonly string[]): Promise<number[]> {
  try {
    const res = await fetch(metricsUrl);
    const text = res.ok ? await res.text() : '';
    return names.map((name) => gauge(text, name));
  } catch {
    return names.map(() => NaN);
  }
}
