/** A calendar date (UTC midnight) or a date-time with Z or an offset: what Postgres and Date agree on. */
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-](\d{2}):\d{2}))?$/;
/** Postgres reads offsets up to 15:59 either way (Date takes up to 23:59); real zones span -12:00..+14:00. */
const MAX_OFFSET_HOURS = 15;

/**
 * A date or date-time both Date and Postgres read as the same instant: the shape above (a date-time
 * only when `dateTime`), a day that exists (2026-02-30 does not, though Date rolls it over to March),
 * and years 1-9999 once the offset is applied (9999-12-31T23:30:00-01:00 is year 10000 in UTC), with an
 * offset Postgres takes (+16:00 passes Date and fails the query: a 500, or a usage event retried for an hour).
 */
export function isInstant(value: unknown, dateTime = false): value is string {
  if (typeof value !== 'string' || (dateTime && value.length === 10)) return false;
  const shape = INSTANT.exec(value);
  if (!shape || Number(shape[5] ?? 0) > MAX_OFFSET_HOURS) return false;
  const t = Date.parse(value);
  if (isNaN(t)) return false;
  const year = new Date(t).getUTCFullYear();
  return year >= 1 && year <= 9999 && isRealDay(value);
}

/** The calendar date as written exists. */
function isRealDay(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return !isNaN(day.getTime()) && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/**
 * A valid instant (see isInstant) as microseconds since the epoch: Date alone would cut a bound like
 * 2026-11-30T23:59:59.9995Z to the millisecond, and Postgres compares to the microsecond.
 */
export function instantMicros(value: string): bigint {
  const fraction = /\.(\d+)/.exec(value)?.[1] ?? '';
  const ms = Date.parse(value.replace(/\.\d+/, fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : ''));
  return BigInt(ms) * 1000n + BigInt(fraction.slice(3).padEnd(3, '0'));
}
