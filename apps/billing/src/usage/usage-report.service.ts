import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toReportedNumber } from '../ledger/credit-units';
import { UsageGroup, UsageQueryDto } from './dto/usage-query.dto';
import { UsageFilter, usageFilter } from './usage-filter';

interface SumsRow {
  audio_bytes: string;
  seconds: string;
  minutes: string;
  credits: string;
  events: number;
}

export interface UsageSums {
  audio_bytes: number;
  seconds: number;
  minutes: number;
  credits: number;
  events: number;
}

export interface UsagePage {
  limit: number;
  offset: number;
  next_offset: number | null;
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

/** Sums of a set of ledger rows, exact in SQL numeric, rounded once for JSON. */
const SUMS = `coalesce(sum(audio_bytes), 0)::text AS audio_bytes, coalesce(sum(seconds), 0)::text AS seconds,
  (coalesce(sum(seconds), 0) / 60)::numeric(38,18)::text AS minutes,
  coalesce(sum(credits), 0)::text AS credits, count(*)::int AS events`;

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
  events: r.events,
});

/** A company's applied usage, filtered by session and by interval_end in [from, to): items or groups. */
@Injectable()
export class UsageReportService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async report(companyId: string, q: UsageQueryDto): Promise<UsageReport> {
    const filter = usageFilter(companyId, q);
    const rows: Array<Record<string, string | number | boolean | Date>> = await this.db.query(
      `SELECT event_id, session_id, connection_id, user_id, gateway_id, model, encoding, sample_rate, container,
              audio_bytes::text, characters::text, seconds::text, credits::text, interval_start, interval_end, final,
              applied_at
         FROM usage_ledger WHERE ${filter.where}
        ORDER BY interval_end, id LIMIT $5 OFFSET $6`,
      [...filter.params, q.limit + 1, q.offset],
    );
    return {
      totals: await this.totals(filter),
      items: rows.slice(0, q.limit).map((r) => ({
        ...r,
        audio_bytes: Number(r.audio_bytes),
        characters: Number(r.characters),
        seconds: toReportedNumber(r.seconds as string),
        credits: toReportedNumber(r.credits as string),
      })),
      page: page(q, rows.length),
    };
  }

  /** The same totals broken down by `group`, groups ordered by key and paged like items. */
  async breakdown(companyId: string, group: UsageGroup, q: UsageQueryDto): Promise<UsageBreakdown> {
    const filter = usageFilter(companyId, q);
    const rows: Array<SumsRow & { key: string }> = await this.db.query(
      `SELECT ${GROUP_KEYS[group]} AS key, ${SUMS} FROM usage_ledger WHERE ${filter.where}
        GROUP BY 1 ORDER BY 1 LIMIT $5 OFFSET $6`,
      [...filter.params, q.limit + 1, q.offset],
    );
    return {
      totals: await this.totals(filter),
      groups: rows.slice(0, q.limit).map((r) => ({ key: r.key, ...reported(r) })),
      page: page(q, rows.length),
    };
  }

  private async totals(filter: UsageFilter): Promise<UsageSums> {
    const [row]: SumsRow[] = await this.db.query(
      `SELECT ${SUMS} FROM usage_ledger WHERE ${filter.where}`,
      filter.params,
    );
    return reported(row);
  }
}

function page(q: UsageQueryDto, fetched: number): UsagePage {
  return { limit: q.limit, offset: q.offset, next_offset: fetched > q.limit ? q.offset + q.limit : null };
}
