import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CREDITS_BALANCE_PATTERN, CreditsBalanceReply, CreditsBalanceRequest } from '@tts/protocol';
import { toReportedNumber } from '../ledger/credit-units';
import { BalancePublisher } from './balance-publisher.service';

/** Answers a gateway that found no cached balance at connect, and caches the answer for the next one. */
@Controller()
export class CreditsBalanceController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly publisher: BalancePublisher,
  ) {}

  @MessagePattern(CREDITS_BALANCE_PATTERN)
  async balance(@Payload() request: CreditsBalanceRequest): Promise<CreditsBalanceReply> {
    const companyId = String(request?.company_id ?? '');
    const [row] = await this.db.query(
      `SELECT balance_credits::text AS balance, balance_version::text AS version FROM companies WHERE company_id = $1`,
      [companyId],
    );
    if (!row) return { company_id: companyId, balance_credits: null };
    // Caching is a courtesy here: the gateway gets its answer even when Redis refuses the write.
    await this.publisher
      .publishSnapshot([{ companyId, balance: row.balance, version: row.version, decreased: false }])
      .catch(() => 0);
    return { company_id: companyId, balance_credits: toReportedNumber(row.balance) };
  }
}
