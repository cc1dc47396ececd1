import { Controller, Get, Header, NotFoundException, Query, Req } from '@nestjs/common';
import { IncomingMessage } from 'http';
import { BalanceCaller } from './balance-caller';
import { CompanyBalance, CompanyBalanceReader } from './company-balance.reader';

/** The caller's own company balance, for browsers and apps holding a client token (never the admin token). */
@Controller('v1/balance')
export class BalanceController {
  constructor(
    private readonly caller: BalanceCaller,
    private readonly balances: CompanyBalanceReader,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async balance(@Req() request: IncomingMessage, @Query('company_id') companyId?: unknown): Promise<CompanyBalance> {
    const company = await this.caller.companyOf(request, companyId);
    const balance = await this.balances.read(company);
    if (!balance) throw new NotFoundException('no balance known for this company yet');
    return balance;
  }
}
