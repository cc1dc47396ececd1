/** One probe's outcome, as a readiness indicator reports it. */
export interface ProbeResult {
  ok: boolean;
  detail: Record<string, string | number>;
  /** How long this outcome stands before the next probe. */
  ttlMs: number;
}

/**
 * Runs a probe at most once per its last result's TTL; callers meanwhile get that result, and callers
 * arriving while a probe runs share it. So many readiness probes cost one upstream call per pod.
 */
export class CachedProbe {
  private last: (ProbeResult & { checkedAt: number }) | undefined;
  private inFlight: Promise<ProbeResult> | undefined;

  constructor(private readonly probe: () => Promise<ProbeResult>) {}

  result(): Promise<ProbeResult> {
    if (this.last && Date.now() - this.last.checkedAt < this.last.ttlMs) return Promise.resolve(this.last);
    this.inFlight ??= this.probe().then((result) => {
      this.last = { ...result, checkedAt: Date.now() };
      this.inFlight = undefined;
      return result;
    });
    return this.inFlight;
  }
}
