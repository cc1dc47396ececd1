/** The WHERE of every usage query: $1 company, $2 session (or null), $3 from, $4 to (UTC ISO text or null). */
export interface UsageFilter {
  where: string;
  params: Array<string | null>;
}

/**
 * A validated bound as Postgres must read it: a bare date as UTC midnight (Postgres would use its session
 * time zone), a date-time with its zone as written, so microseconds count (Date would cut them to ms).
 */
function utcInstant(value: string | undefined): string | null {
  if (value === undefined) return null;
  return value.length === 10 ? `${value}T00:00:00Z` : value;
}

export function usageFilter(companyId: string, q: { session_id?: string; from?: string; to?: string }): UsageFilter {
  return {
    where: `company_id = $1 AND ($2::varchar IS NULL OR session_id = $2)
      AND ($3::timestamptz IS NULL OR interval_end >= $3) AND ($4::timestamptz IS NULL OR interval_end < $4)`,
    params: [companyId, q.session_id ?? null, utcInstant(q.from), utcInstant(q.to)],
  };
}
