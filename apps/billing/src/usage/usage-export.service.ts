import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import { once } from 'events';
import { Transform, Writable } from 'stream';
import { pipeline } from 'stream/promises';
import { BillingEnv } from '@tts/config';
import { BILLING_ENV } from '../config/billing-env.provider';
import {
  USAGE_EXPORT_BATCH_ROWS,
  USAGE_EXPORT_CONNECT_TIMEOUT_MS,
  USAGE_EXPORT_CONNECTIONS,
} from '../config/billing.constants';
import { BillingMetrics } from '../metrics/billing-metrics.service';
import { csvRecord } from './csv';
import { UsagePeriodDto } from './dto/usage-period.dto';
import { usageFilter } from './usage-filter';

export const USAGE_CSV_COLUMNS = [
  'event_id',
  'user_id',
  'session_id',
  'model',
  'encoding',
  'sample_rate',
  'audio_bytes',
  'seconds',
  'credits',
  'interval_start',
  'interval_end',
] as const;

const UTC_ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
/** Exact decimals (trailing zeros trimmed), so a spreadsheet's sum is the ledger's sum. */
const EXPORT_SQL = (where: string) => `
  SELECT event_id, user_id, session_id, model, encoding, sample_rate, audio_bytes::text,
         trim_scale(seconds)::text AS seconds, trim_scale(credits)::text AS credits,
         to_char(interval_start AT TIME ZONE 'UTC', ${UTC_ISO}) AS interval_start,
         to_char(interval_end AT TIME ZONE 'UTC', ${UTC_ISO}) AS interval_end
    FROM usage_ledger WHERE ${where} ORDER BY interval_end, id`;

type ExportRow = Record<(typeof USAGE_CSV_COLUMNS)[number], string | number>;

/**
 * Streams a company's usage as CSV from a Postgres cursor: rows are fetched a batch at a time and only
 * as fast as the client reads (stream backpressure), so a month of events never sits in memory.
 * Its own small pool (public pg API), so a long export never holds a connection the ledger needs.
 */
@Injectable()
export class UsageExportService implements OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(
    @Inject(BILLING_ENV) env: BillingEnv,
    private readonly metrics: BillingMetrics,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(UsageExportService.name);
    this.pool = new Pool({
      connectionString: env.DATABASE_URL,
      max: USAGE_EXPORT_CONNECTIONS,
      connectionTimeoutMillis: USAGE_EXPORT_CONNECT_TIMEOUT_MS,
    });
    this.pool.on('error', (e) => this.logger.warn({ err: e.message }, 'export pool connection error'));
  }

  /**
   * Writes the header and every row to `out`; resolves when all was written, rejects if `out` closed early.
   * `out` is left untouched until the first batch was fetched: a database that cannot start the export
   * (no connection, a failing query) rejects before any byte, so the caller can still answer an error.
   */
  async write(companyId: string, period: UsagePeriodDto, out: Writable): Promise<void> {
    const filter = usageFilter(companyId, period);
    const client = await this.pool.connect();
    let failed: Error | undefined;
    try {
      const rows = client.query(
        new QueryStream(EXPORT_SQL(filter.where), filter.params, {
          batchSize: USAGE_EXPORT_BATCH_ROWS,
          highWaterMark: USAGE_EXPORT_BATCH_ROWS,
        }),
      );
      const counted = this.metrics.exportedRows;
      let header = true;
      const toCsv = new Transform({
        writableObjectMode: true,
        transform(row: ExportRow, _encoding, done) {
          counted.inc();
          const record = csvRecord(USAGE_CSV_COLUMNS.map((c) => row[c]));
          done(null, header ? csvRecord([...USAGE_CSV_COLUMNS]) + record : record);
          header = false;
        },
        flush(done) {
          done(null, header ? csvRecord([...USAGE_CSV_COLUMNS]) : undefined);
        },
      });
      await once(rows, 'readable'); // the first batch (or the end): rejects if the query fails
      await pipeline(rows, toCsv, out);
    } catch (e) {
      failed = e as Error;
      throw e;
    } finally {
      // A connection whose cursor was abandoned mid-stream is closed rather than reused.
      client.release(failed);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
