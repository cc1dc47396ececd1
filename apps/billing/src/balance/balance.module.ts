import { Module } from '@nestjs/common';
import { BalanceCacheRefresher } from './balance-cache-refresher.service';
import { BalancePublisher } from './balance-publisher.service';
import { CreditsBalanceController } from './credits-balance.controller';

/** What the gateways see of balances: the Redis cache, depletion broadcasts and balance replies. */
@Module({
  controllers: [CreditsBalanceController],
  providers: [BalancePublisher, BalanceCacheRefresher],
  exports: [BalancePublisher],
})
export class BalanceModule {}
