import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { BALANCE_CACHE_REFRESH_CHUNK, BALANCE_CACHE_REFRESH_MS } from '../config/billing.constants';
import { BalancePublisher } from './balance-publisher.service';

/**
 * Rewrites every company's cached balance from the database at boot and every BALANCE_CACHE_REFRESH_MS,
 * so gateways find balances without asking billing and any lost or stale cache write heals on its own
 * (a crash between commit and publish, a Redis outage, a recreated database).
 */
@Injectable()
export class BalanceCacheRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly publisher: BalancePublisher,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(BalanceCacheRefresher.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    const written = await this.refresh();
    this.logger.info({ companies: written }, 'balance cache warmed');
    this.timer = setInterval(() => void this.refresh(), BALANCE_CACHE_REFRESH_MS);
    this.timer.unref();
  }

  /** One pass over all companies (a pass already running is joined); returns how many balances were rewritten. */
  refresh(): Promise<number> {
    this.running ??= this.pass()
      .catch((e: Error) => {
        this.logger.warn({ err: e.message }, 'balance cache refresh failed; next one in the next interval');
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    let after = '';
    let written = 0;
    for (;;) {
      const snapshot = await this.publisher.publishSnapshot(async () => {
        const rows: Array<{ company_id: string; balance: string; version: string }> = await this.db.query(
          `SELECT company_id, balance_credits::text AS balance, balance_version::text AS version FROM companies
            WHERE company_id > $1 ORDER BY company_id LIMIT $2`,
          [after, BALANCE_CACHE_REFRESH_CHUNK],
        );
        return rows.map((r) => ({ companyId: r.company_id, balance: r.balance, version: r.version, decreased: false }));
      });
      if (snapshot.rows.length === 0) return written;
      written += snapshot.written;
      after = snapshot.rows[snapshot.rows.length - 1].companyId;
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
