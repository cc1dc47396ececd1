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
 * A probe that throws (synchronously or by rejecting) reads as "down" and is not cached: the next call
 * probes again, so one bad moment never leaves readiness failed for good.
 */
export class CachedProbe {
  private last: (ProbeResult & { checkedAt: number }) | undefined;
  private inFlight: Promise<ProbeResult> | undefined;

  constructor(private readonly probe: () => Promise<ProbeResult>) {}

  result(): Promise<ProbeResult> {
    if (this.last && Date.now() - this.last.checkedAt < this.last.ttlMs) return Promise.resolve(this.last);
    // finally() runs its callback asynchronously, so it clears the very promise assigned here.
    this.inFlight ??= this.run().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** async, so a synchronous throw of the probe lands in the catch below too. */
  private async run(): Promise<ProbeResult> {
    try {
      const result = await this.probe();
      this.last = { ...result, checkedAt: Date.now() };
      return result;
    } catch (error) {
      this.last = undefined;
      // The error's kind only: its message may quote a configured URL.
      const kind = (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.name ?? 'error';
      return { ok: false, detail: { message: `probe failed (${kind})` }, ttlMs: 0 };
    }
  }
}
