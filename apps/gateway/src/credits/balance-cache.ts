import { Inject, Injectable, Module } from '@nestjs/common';
import Redis from 'ioredis';
import { RedisConnections } from '@tts/config';
import { RedisNamespace, cachedBalanceVersion } from '@tts/protocol';
import { BALANCE_READ_TIMEOUT_MS } from './credits.constants';

const BALANCE_CACHE_REDIS = Symbol('BALANCE_CACHE_REDIS');

/**
 * The balances billing caches in Redis for the gateways (`<namespace>:tts:balance:<company_id>`, the
 * decimal as billing wrote it), read on one fail-fast connection of the pod: the connect-time credit
 * check, the depletion sweep and GET /v1/balance all read here. A read rejects when Redis does not
 * answer within BALANCE_READ_TIMEOUT_MS; what that means is up to the reader.
 */
@Injectable()
export class BalanceCache {
  constructor(
    @Inject(BALANCE_CACHE_REDIS) private readonly redis: Redis,
    private readonly namespace: RedisNamespace,
  ) {}

  /** The company's cached balance, or null when billing has cached none (unknown, or not used since it started). */
  get(companyId: string): Promise<string | null> {
    return this.redis.get(this.namespace.balanceKey(companyId));
  }

  /** The cached balance and the ledger version it was written at (undefined when none is cached), in one round trip. */
  async withVersion(companyId: string): Promise<{ balance: string | null; version: bigint | undefined }> {
    const [balance, version] = await this.redis.mget(
      this.namespace.balanceKey(companyId),
      this.namespace.balanceVersionKey(companyId),
    );
    return { balance, version: cachedBalanceVersion(version) };
  }

  /** The cached balances of `companyIds`, in their order, in one round trip. */
  getMany(companyIds: readonly string[]): Promise<(string | null)[]> {
    return this.redis.mget(companyIds.map((id) => this.namespace.balanceKey(id)));
  }
}

/** One BalanceCache (one connection) for every module that imports this one. */
@Module({
  providers: [
    {
      provide: BALANCE_CACHE_REDIS,
      inject: [RedisConnections],
      useFactory: (redis: RedisConnections) =>
        redis.commands('balances', { commandTimeoutMs: BALANCE_READ_TIMEOUT_MS }),
    },
    BalanceCache,
  ],
  exports: [BalanceCache],
})
export class BalanceCacheModule {}
