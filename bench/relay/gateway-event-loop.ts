/**
 * What the bench reads of a gateway from its Prometheus endpoint, one scrape at a time: its own event-loop
 * delay (prom-client resets that histogram at every scrape, so a scrape before and one after bracket the
 * window) and the counters a phase's growth is taken from.
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

/** What one scrape of a gateway's /metrics gives the bench. */
export interface GatewaySample {
  eventLoop: EventLoopDelay;
  /** Counters since the process began (NaN if absent). */
  sessionsStarted: number;
  poolHits: number;
  poolMisses: number;
}

/** One scrape (which also resets prom-client's event-loop histogram); undefined if unreadable. */
export async function scrapeGateway(metricsUrl: string): Promise<GatewaySample | undefined> {
  try {
    const res = await fetch(metricsUrl);
    if (!res.ok) return undefined;
    const text = await res.text();
    const beyond = (seconds: number): number => Math.max(0, seconds * 1000 - PROM_CLIENT_SAMPLING_MS);
    return {
      eventLoop: {
        p99Ms: beyond(gauge(text, 'nodejs_eventloop_lag_p99_seconds')),
        maxMs: beyond(gauge(text, 'nodejs_eventloop_lag_max_seconds')),
      },
      sessionsStarted: gauge(text, 'tts_gateway_sessions_started_total'),
      poolHits: gauge(text, 'tts_gateway_upstream_pool_hits_total'),
      poolMisses: gauge(text, 'tts_gateway_upstream_pool_misses_total'),
    };
  } catch {
    return undefined;
  }
}
