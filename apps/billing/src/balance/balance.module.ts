import { Module } from '@nestjs/common';
import { BalanceCacheRefresher } from './balance-cache-refresher.service';
import { BalancePublisher } from './balance-publisher.service';
import { CreditsBalanceResponder } from './credits-balance.responder';

/** What the gateways see of balances: the Redis cache, depletion broadcasts and balance replies. */
@Module({
  providers: [BalancePublisher, BalanceCacheRefresher, CreditsBalanceResponder],
  exports: [BalancePublisher],
})
export class BalanceModule {}
