/** Publishing of usage events to the tts-usage queue (the jobs' own retry policy is in @tts/protocol). */

/** First retry delay after Redis refused a publish; doubles per failure up to the maximum. */
export const PUBLISH_RETRY_MIN_MS = 250;
/** Short: while usage cannot be recorded new sessions are refused, and this bounds how long that outlives Redis's return. */
export const PUBLISH_RETRY_MAX_MS = 2_000;
/**
 * How long one publish may wait for Redis's answer before it counts as failed (held, retried, alerted):
 * a connection that stays open while Redis never answers (a hung server, a half-open TCP path) must not
 * hold usage in memory unnoticed. A re-publish after a late success is harmless (jobId = event_id).
 */
export const PUBLISH_COMMAND_TIMEOUT_MS = 3_000;
/** Reconnect delay of the queue's Redis connection: grows per attempt up to the maximum (BullMQ's own is 20 s). */
export const QUEUE_RECONNECT_STEP_MS = 250;
export const QUEUE_RECONNECT_MAX_MS = 2_000;
/**
 * Events per addBulk round trip. Small on purpose: addBulk serializes its whole batch synchronously, and
 * 500 at once stalled the event loop ~70 ms every interval at 500 sessions (audio late, underruns; see
 * docs/BENCHMARKS.md); between small batches the loop relays audio while Redis answers.
 */
export const PUBLISH_BULK_MAX = 10;
/** How long a session's end waits for its final event to reach Redis (it stays held and retried after). */
export const END_HANDOFF_TIMEOUT_MS = 2_000;
/** How long shutdown waits to publish what is still held before the process exits. */
export const SHUTDOWN_PUBLISH_TIMEOUT_MS = 5_000;
/** Events held in memory above which new sessions are refused (held events are never dropped). */
export const MAX_HELD_USAGE_EVENTS = 100_000;
/** Report intervals (USAGE_FLUSH_INTERVAL_MS) of failed publishing after which new sessions are refused. */
export const USAGE_OUTAGE_MAX_INTERVALS = 3;

/** The meter visits 1/N of the sessions every report interval / N: each still reports once an interval. */
export const USAGE_TICK_SHARDS = 10;
