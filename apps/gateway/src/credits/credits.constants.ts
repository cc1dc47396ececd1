/** How long a connect waits for billing's answer when no balance is cached in Redis. */
export const BALANCE_REQUEST_TIMEOUT_MS = 1_500;
/** Timeout of the cached-balance read; on failure billing is asked instead. */
export const BALANCE_READ_TIMEOUT_MS = 1_000;
/**
 * How often the pod reads the cached balance of every company it serves, in case a depletion broadcast
 * was missed: with billing's own delay this keeps "sessions end within 5 s of depletion".
 */
export const DEPLETION_SWEEP_INTERVAL_MS = 2_000;
/** Keys per MGET of the sweep, so a pod serving very many companies does not block Redis. */
export const DEPLETION_SWEEP_MGET_MAX = 1_000;
/**
 * The start-of-session balance reads of sessions starting within this window go out as one MGET: at
 * 100 new sessions a second a read per session was a Redis round trip per session (docs/BENCHMARKS.md).
 */
export const START_CHECK_COALESCE_MS = 25;
