/** A calendar date (UTC midnight) or a date-time with Z or an offset: what Postgres and Date agree on. */
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A date or date-time both Date and Postgres read as the same instant: the shape above (a date-time
 * only when `dateTime`), a day that exists (2026-02-30 does not, though Date rolls it over to March),
 * and years 1-9999 once the offset is applied (9999-12-31T23:30:00-01:00 is year 10000 in UTC).
 */
export function isInstant(value: unknown, dateTime = false): value is string {
  if (typeof value !== 'string' || !INSTANT.test(value) || (dateTime && value.length === 10)) return false;
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
