import Redis, { Result } from 'ioredis';
import { SESSION_LEASE_KEY_PREFIX } from '@tts/protocol';

/**
 * One script both acquires and renews: drop expired leases, keep (re-score) a lease this connection
 * already holds, otherwise add it only while the company is under its limit. Expiry is judged on the
 * Redis clock so pods with skewed clocks agree; the key itself expires with its newest lease.
 * Returns 1 when the connection holds a lease afterwards, 0 when the company is at its limit.
 */
const HOLD_LEASE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    holdSessionLease(key: string, connectionId: string, limit: number, ttlMs: number): Result<number, Context>;
  }
}

export interface LeaseHolder {
  companyId: string;
  connectionId: string;
}

/** Per-company concurrent-session leases in Redis, shared by every gateway pod. */
export class SessionLeaseStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {
    // Defined once per connection; several stores (tests, two gateways in one process) may share one.
    if (typeof (redis as Partial<Redis>).holdSessionLease !== 'function')
      redis.defineCommand('holdSessionLease', { numberOfKeys: 1, lua: HOLD_LEASE_LUA });
  }

  static keyOf(companyId: string): string {
    return `${SESSION_LEASE_KEY_PREFIX}${companyId}`;
  }

  /** Acquires or renews; false when the company already holds `limit` live leases. */
  async hold({ companyId, connectionId }: LeaseHolder, limit: number): Promise<boolean> {
    return (
      (await this.redis.holdSessionLease(SessionLeaseStore.keyOf(companyId), connectionId, limit, this.ttlMs)) === 1
    );
  }

  /** Renews many leases in one round trip; returns the holders that lost theirs to the limit. */
  async renew(holders: readonly LeaseHolder[], limit: number): Promise<LeaseHolder[]> {
    const pipeline = this.redis.pipeline();
    for (const h of holders)
      pipeline.holdSessionLease(SessionLeaseStore.keyOf(h.companyId), h.connectionId, limit, this.ttlMs);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
    return holders.filter((_, i) => results[i][1] === 0);
  }

  async release({ companyId, connectionId }: LeaseHolder): Promise<void> {
    await this.redis.zrem(SessionLeaseStore.keyOf(companyId), connectionId);
  }

  /** Leases of a company not yet expired by this process's clock (for tests and diagnostics). */
  count(companyId: string): Promise<number> {
    return this.redis.zcount(SessionLeaseStore.keyOf(companyId), `(${Date.now()}`, '+inf');
  }
}
