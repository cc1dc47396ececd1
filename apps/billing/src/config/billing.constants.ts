/** Tuning of the usage pipeline in one place (the job retry policy itself is in @tts/protocol, set by producers). */

/** Jobs each billing process runs at once; they are grouped into ledger batches. */
export const USAGE_WORKER_CONCURRENCY = 500;
/** Largest batch written in one ledger transaction. */
export const USAGE_BATCH_MAX_EVENTS = 500;
/** How long a lone event waits for companions before its batch is written. */
export const USAGE_BATCH_LINGER_MS = 2;
/** Lock duration of an active usage job; a killed worker's jobs are retried after it expires. */
export const USAGE_JOB_LOCK_MS = 5_000;
/** Stalled-job check interval (jobs of a dead worker go back to waiting). */
export const USAGE_STALLED_INTERVAL_MS = 2_500;
/** A job may stall (its worker died) this often before it is failed; the ledger makes re-runs harmless. */
export const USAGE_MAX_STALLED_COUNT = 10;
/** Timeout of a gateway's balance question (request-reply over Redis). */
export const BALANCE_REPLY_TIMEOUT_MS = 1_000;
/** Companies read and written to the Redis balance cache per round trip (boot warm-up, periodic refresh). */
export const BALANCE_CACHE_REFRESH_CHUNK = 1_000;
/** Every company's cached balance is rewritten this often, so a lost cache write heals on its own. */
export const BALANCE_CACHE_REFRESH_MS = 30_000;
/** Attempts of a live cache write or depletion broadcast, with exponential backoff from the base delay. */
export const BALANCE_PUBLISH_ATTEMPTS = 5;
export const BALANCE_PUBLISH_RETRY_BASE_MS = 100;
/**
 * Longest a top-up's answer waits for its cache write (and depletion broadcast) once the top-up is committed:
 * while Redis answers, a gateway connecting right after the answer sees the new balance; in an outage the
 * answer goes out anyway, the publisher retries in the background and the periodic refresh heals the rest.
 */
export const TOP_UP_PUBLISH_WAIT_MS = 2_000;
/** How often undelivered low-balance alerts whose queueing was lost (a crash after commit) are queued again. */
export const ALERT_OUTBOX_SWEEP_MS = 2_000;
/** An outbox row younger than this is left to the process that fired it. */
export const ALERT_OUTBOX_GRACE_MS = 1_000;
/** Webhook deliveries each billing process runs at once. */
export const WEBHOOK_WORKER_CONCURRENCY = 20;
/**
 * Lock of a webhook delivery in flight, renewed while it runs (so a slow receiver keeps it): when a billing
 * process dies mid-POST, a survivor takes the delivery over within lock + stalled interval (~15 s), not
 * BullMQ's default of up to a minute. A live process keeps its lock through a Redis blip or a stalled
 * event loop of up to ~5 s (renewed every 5 s); longer, and a second delivery may follow.
 */
export const WEBHOOK_JOB_LOCK_MS = 10_000;
export const WEBHOOK_STALLED_INTERVAL_MS = 5_000;
/** A delivery may be cut short by a dying process this often before it is failed (a receiver dedupes on event_id). */
export const WEBHOOK_MAX_STALLED_COUNT = 5;
/** Delivered webhook jobs stay this long, so a re-queue of the same event_id is deduplicated by BullMQ. */
export const WEBHOOK_KEEP_COMPLETED_S = 7 * 24 * 3600;
/** Connections of the CSV export pool (each running export holds one for its whole stream). */
export const USAGE_EXPORT_CONNECTIONS = 4;
/** An export that cannot get a database connection within this long answers 503 instead of hanging. */
export const USAGE_EXPORT_CONNECT_TIMEOUT_MS = 5_000;
/** Rows fetched from the export cursor per round trip; also the most rows an export holds in memory. */
export const USAGE_EXPORT_BATCH_ROWS = 500;
/**
 * A stopping billing process that has not exited by then (Redis unreachable) exits anyway: room for a
 * webhook POST in flight (WEBHOOK_TIMEOUT_MS, 10 s) and the closes, inside Kubernetes' 30 s grace.
 */
export const SHUTDOWN_DEADLINE_MS = 25_000;
