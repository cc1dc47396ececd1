/** Publishing of usage events to the tts-usage queue (the jobs' own retry policy is in @tts/protocol). */

/** First retry delay after Redis refused a publish; doubles per failure up to the maximum. */
export const PUBLISH_RETRY_MIN_MS = 250;
export const PUBLISH_RETRY_MAX_MS = 10_000;
/** Events per addBulk round trip. */
export const PUBLISH_BULK_MAX = 500;
/** How long a session's end waits for its final event to reach Redis (it stays held and retried after). */
export const END_HANDOFF_TIMEOUT_MS = 2_000;
/** How long shutdown waits to publish what is still held before the process exits. */
export const SHUTDOWN_PUBLISH_TIMEOUT_MS = 5_000;
