import { Module } from '@nestjs/common';
import { BalanceCacheModule } from '../credits/balance-cache';
import { BalanceCaller } from './balance-caller';
import { BalanceController } from './balance.controller';
import { CompanyBalanceReader } from './company-balance.reader';

/**
 * `GET /v1/balance`: a client reads its own company's cached balance with its client token. The token
 * is checked by the auth module's ClientAuth (global), the balance read on the credit check's connection.
 */
@Module({
  imports: [BalanceCacheModule],
  controllers: [BalanceController],
  providers: [BalanceCaller, CompanyBalanceReader],
})
export class BalanceModule {}
