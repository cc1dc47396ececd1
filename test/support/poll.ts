import { inspect } from 'util';

const POLL_INTERVAL_MS = 50;

/** For pollUntil's `done`: a probe that answers undefined until it has something. */
export const isDefined = <T>(value: T | undefined): value is T => value !== undefined;

/**
 * Calls `probe` every 50 ms until `done` accepts its value, and resolves with that value. Past
 * `timeoutMs` it rejects, naming `what` and the last value seen, so a failing test says what it got.
 * The one polling helper of the tests (a TestClient's waitFor/until wait on frames, not on time).
 */
export async function pollUntil<T, U extends T>(
  probe: () => T | Promise<T>,
  done: (value: T) => value is U,
  timeoutMs?: number,
  what?: string,
): Promise<U>;
export async function pollUntil<T>(
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs?: number,
  what?: string,
): Promise<T>;
export async function pollUntil<T>(
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      const last = inspect(value, { depth: 2, breakLength: Infinity }).slice(0, 300);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
