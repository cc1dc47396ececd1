import { CloseCode, NO_RECONNECT_CLOSE_CODES } from '@tts/protocol';

export interface BackoffOptions {
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** Upper bound of any single delay. */
  maxDelayMs: number;
  multiplier: number;
  /** Share of the delay that is randomised (0..1), so a fleet of clients does not reconnect in lockstep. */
  jitter: number;
  /** Retries in a row without reaching a connected session before giving up. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0.5,
  maxAttempts: Infinity,
};

/** Delay before retry number `attempt` (0-based): exponential, capped, with the top `jitter` share random. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * options.multiplier ** attempt);
  return Math.round(ceiling * (1 - options.jitter + options.jitter * random()));
}

/**
 * A normal close and the codes whose cause will not go away on its own (auth, credits, limits, bad request)
 * end the session for good; an idle timeout is not retried either (nobody is speaking).
 */
export function isReconnectable(closeCode: number): boolean {
  return (
    closeCode !== CloseCode.Normal &&
    closeCode !== CloseCode.IdleTimeout &&
    !NO_RECONNECT_CLOSE_CODES.includes(closeCode)
  );
}
