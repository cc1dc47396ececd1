import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { toReportedNumber } from '@tts/protocol';
import { UsageQueryDto } from './dto/usage-query.dto';
import { UsageCursor, UsageGroup, encodeCursor, requestCursor } from './usage-cursor';
import { UsageFilter, usageFilter } from './usage-filter';

interface SumsRow {
  audio_bytes: string;
  seconds: string;
  minutes: string;
  credits: string;
  events: string;
}

/** The same sums as exact decimal text (trailing zeros trimmed): what a billing team adds up. */
interface ExactSums {
  seconds: string;
  minutes: string;
  credits: string;
}

export interface UsageSums {
  audio_bytes: number;
  seconds: number;
  minutes: number;
  credits: number;
  events: number;
  exact: ExactSums;
}

export interface UsagePage {
  limit: number;
  offset: number;
  /** Offset paging (kept for compatibility): null on the last page, and whenever the request paged by cursor. */
  next_offset: number | null;
  /** Keyset paging: where the next page starts (pass it as `cursor`); null on the last page. */
  next_cursor: string | null;
}

export interface UsageReport {
  totals: UsageSums;
  items: Array<Record<string, unknown>>;
  page: UsagePage;
}

export interface UsageBreakdown {
  totals: UsageSums;
  groups: Array<UsageSums & { key: string }>;
  page: UsagePage;
}

/** Sums of a set of ledger rows, exact in SQL numeric (minutes: seconds / 60 at the ledger's 18 decimals). */
const SUMS = `coalesce(sum(audio_bytes), 0)::text AS audio_bytes,
  trim_scale(coalesce(sum(seconds), 0))::text AS seconds,
  trim_scale((coalesce(sum(seconds), 0) / 60)::numeric(38,18))::text AS minutes,
  trim_scale(coalesce(sum(credits), 0))::text AS credits, count(*)::text AS events`;

/** The SQL of each group_by key; `day` is the UTC date of interval_end (the field from/to filter on). */
const GROUP_KEYS: Record<UsageGroup, string> = {
  user_id: 'user_id',
  session_id: 'session_id',
  model: 'model',
  day: `to_char(interval_end AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
};

const reported = (r: SumsRow): UsageSums => ({
  audio_bytes: Number(r.audio_bytes),
  seconds: toReportedNumber(r.seconds),
  minutes: toReportedNumber(r.minutes),
  credits: toReportedNumber(r.credits),
  events: Number(r.events), // bigint as text: over 2^31 events an int would fail the query
  exact: { seconds: r.seconds, minutes: r.minutes, credits: r.credits },
});

/**
 * A company's applied usage, filtered by session and by interval_end in [from, to): items or groups.
 * A report's statements read one snapshot (REPEATABLE READ, read only): a batch committed between the
 * page and the totals would otherwise make the groups disagree with the totals of the same answer.
 */
@Injectable()
export class UsageReportService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async report(companyId: string, q: UsageQueryDto): Promise<UsageReport> {
    const filter = usageFilter(companyId, q);
    const after = requestCursor(q, 'items') as Extract<UsageCursor, { by: 'items' }> | undefined;
    return this.snapshot(async (db) => {
      // Keyset: rows strictly after the previous page's last (interval_end, id), which no later insert
      // can move; OFFSET counts rows, and a late event with an earlier interval_end shifts them.
      const rows: Array<Record<string, string | number | boolean | Date>> = await db.query(
        `SELECT event_id, session_id, connection_id, user_id, gateway_id, model, encoding, sample_rate, container,
                audio_bytes::text, characters::text, seconds::text, credits::text, interval_start, interval_end,
                final, applied_at, id::text AS cursor_id,
                to_char(interval_end AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_end
           FROM usage_ledger WHERE ${filter.where}
            AND ($7::timestamptz IS NULL OR (interval_end, id) > ($7::timestamptz, $8::bigint))
          ORDER BY interval_end, id LIMIT $5 OFFSET $6`,
        [...filter.params, q.limit + 1, q.offset, after?.end ?? null, after?.id ?? null],
      );
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return {
        totals: await totals(db, filter),
        items: items.map(({ cursor_id: _id, cursor_end: _end, ...r }) => ({
          ...r,
          audio_bytes: Number(r.audio_bytes),
          characters: Number(r.characters),
          seconds: toReportedNumber(r.seconds as string),
          credits: toReportedNumber(r.credits as string),
        })),
        page: page(q, rows.length, !!after, () =>
          encodeCursor({ by: 'items', end: String(last!.cursor_end), id: String(last!.cursor_id) }),
        ),
      };
    });
  }

  /** The same totals broken down by `group`, groups ordered by key and paged like items (the cursor: the last key). */
  async breakdown(companyId: string, group: UsageGroup, q: UsageQueryDto): Promise<UsageBreakdown> {
    const filter = usageFilter(companyId, q);
    const after = requestCursor(q, group) as Extract<UsageCursor, { key: string }> | undefined;
    return this.snapshot(async (db) => {
      // The key condition sits in WHERE (a group is all rows of one key) and compares as ORDER BY sorts.
      const rows: Array<SumsRow & { key: string }> = await db.query(
        `SELECT ${GROUP_KEYS[group]} AS key, ${SUMS} FROM usage_ledger WHERE ${filter.where}
            AND ($7::text IS NULL OR ${GROUP_KEYS[group]} > $7::text)
          GROUP BY 1 ORDER BY 1 LIMIT $5 OFFSET $6`,
        [...filter.params, q.limit + 1, q.offset, after?.key ?? null],
      );
      const groups = rows.slice(0, q.limit);
      return {
        totals: await totals(db, filter),
        groups: groups.map((r) => ({ key: r.key, ...reported(r) })),
        page: page(q, rows.length, !!after, () => encodeCursor({ by: group, key: groups.at(-1)!.key })),
      };
    });
  }

  /** Runs `read` in one REPEATABLE READ, READ ONLY transaction: every statement sees the same committed rows. */
  private snapshot<T>(read: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', async (db) => {
      await db.query('SET TRANSACTION READ ONLY');
      return read(db);
    });
  }
}

async function totals(db: EntityManager, filter: UsageFilter): Promise<UsageSums> {
  const [row]: SumsRow[] = await db.query(`SELECT ${SUMS} FROM usage_ledger WHERE ${filter.where}`, filter.params);
  return reported(row);
}

/** `fetched` rows were read for a page of q.limit (one more: is there a next page?). */
function page(q: UsageQueryDto, fetched: number, byCursor: boolean, nextCursor: () => string): UsagePage {
  const more = fetched > q.limit;
  return {
    limit: q.limit,
    offset: q.offset,
    next_offset: more && !byCursor ? q.offset + q.limit : null,
    next_cursor: more ? nextCursor() : null,
  };
}
