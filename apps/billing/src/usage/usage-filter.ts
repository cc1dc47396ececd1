/** The WHERE of every usage query: $1 company, $2 session (or null), $3 from, $4 to (UTC ISO text or null). */
export interface UsageFilter {
  where: string;
  params: Array<string | null>;
}

/**
 * A validated date or date-time as UTC ISO text, so Postgres never reads it in its session time zone.
 * UsagePeriodDto keeps it in years 1-9999 in UTC, where toISOString writes no `+010000` Postgres refuses.
 */
function utcInstant(value: string | undefined): string | null {
  return value === undefined ? null : new Date(value).toISOString();
}

export function usageFilter(companyId: string, q: { session_id?: string; from?: string; to?: string }): UsageFilter {
  return {
    where: `company_id = $1 AND ($2::varchar IS NULL OR session_id = $2)
      AND ($3::timestamptz IS NULL OR interval_end >= $3) AND ($4::timestamptz IS NULL OR interval_end < $4)`,
    params: [companyId, q.session_id ?? null, utcInstant(q.from), utcInstant(q.to)],
  };
}
