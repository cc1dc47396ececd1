import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { BALANCE_CACHE_WARM_CHUNK } from '../config/billing.constants';
import { BalancePublisher } from './balance-publisher.service';

/** At boot, writes every company's balance to Redis so gateways find it without asking billing. */
@Injectable()
export class BalanceCacheWarmer implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly publisher: BalancePublisher,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(BalanceCacheWarmer.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    let after = '';
    let total = 0;
    for (;;) {
      const rows: Array<{ company_id: string; balance: string; version: string }> = await this.db.query(
        `SELECT company_id, balance_credits::text AS balance, balance_version::text AS version FROM companies
          WHERE company_id > $1 ORDER BY company_id LIMIT $2`,
        [after, BALANCE_CACHE_WARM_CHUNK],
      );
      if (rows.length === 0) break;
      await this.publisher.publish(
        rows.map((r) => ({ companyId: r.company_id, balance: r.balance, version: r.version, decreased: false })),
      );
      total += rows.length;
      after = rows[rows.length - 1].company_id;
    }
    this.logger.info({ companies: total }, 'balance cache warmed');
  }
}
