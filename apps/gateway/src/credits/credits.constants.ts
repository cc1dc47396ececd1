/** How long a connect waits for billing's answer when no balance is cached in Redis. */
export const BALANCE_REQUEST_TIMEOUT_MS = 1_500;
/** Timeout of the cached-balance read; on failure billing is asked instead. */
export const BALANCE_READ_TIMEOUT_MS = 1_000;
