import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toReportedNumber } from '../ledger/credit-units';
import { UsageQueryDto } from '../companies/dto/usage-query.dto';

export interface UsageReport {
  totals: { audio_bytes: number; seconds: number; minutes: number; credits: number; events: number };
  items: Array<Record<string, unknown>>;
  page: { limit: number; offset: number; next_offset: number | null };
}

/** A company's applied usage, filtered by session and by interval_end in [from, to). */
@Injectable()
export class UsageReportService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async report(companyId: string, q: UsageQueryDto): Promise<UsageReport> {
    const params = [companyId, q.session_id ?? null, q.from ?? null, q.to ?? null];
    const where = `company_id = $1 AND ($2::varchar IS NULL OR session_id = $2)
      AND ($3::timestamptz IS NULL OR interval_end >= $3) AND ($4::timestamptz IS NULL OR interval_end < $4)`;
    const [totals] = await this.db.query(
      `SELECT coalesce(sum(audio_bytes), 0)::text AS audio_bytes, coalesce(sum(seconds), 0)::text AS seconds,
              (coalesce(sum(seconds), 0) / 60)::numeric(38,18)::text AS minutes,
              coalesce(sum(credits), 0)::text AS credits, count(*)::int AS events
         FROM usage_ledger WHERE ${where}`,
      params,
    );
    const rows: Array<Record<string, string | number | boolean | Date>> = await this.db.query(
      `SELECT event_id, session_id, connection_id, user_id, gateway_id, model, encoding, sample_rate, container,
              audio_bytes::text, characters::text, seconds::text, credits::text, interval_start, interval_end, final,
              applied_at
         FROM usage_ledger WHERE ${where}
        ORDER BY interval_end, id LIMIT $5 OFFSET $6`,
      [...params, q.limit + 1, q.offset],
    );
    const more = rows.length > q.limit;
    return {
      totals: {
        audio_bytes: Number(totals.audio_bytes),
        seconds: toReportedNumber(totals.seconds),
        minutes: toReportedNumber(totals.minutes),
        credits: toReportedNumber(totals.credits),
        events: totals.events,
      },
      items: rows.slice(0, q.limit).map((r) => ({
        ...r,
        audio_bytes: Number(r.audio_bytes),
        characters: Number(r.characters),
        seconds: toReportedNumber(r.seconds as string),
        credits: toReportedNumber(r.credits as string),
      })),
      page: { limit: q.limit, offset: q.offset, next_offset: more ? q.offset + q.limit : null },
    };
  }
}
