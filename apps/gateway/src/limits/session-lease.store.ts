import Redis, { Result } from 'ioredis';
import { RedisNamespace } from '@tts/protocol';

/**
 * One script both acquires and renews, for one company and any number of its connections: drop expired
 * leases, re-score the leases these connections already hold, add the others only while the company is
 * under its limit. Expiry is judged on the Redis clock so pods with skewed clocks agree; the key itself
 * expires with its newest lease. ARGV: limit, ttl ms, connection ids. Returns the ids left without a lease.
 */
const HOLD_LEASES_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local expiry = now + tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local count = redis.call('ZCARD', KEYS[1])
local refused = {}
for i = 3, #ARGV do
  if redis.call('ZADD', KEYS[1], 'XX', 'CH', expiry, ARGV[i]) == 0 and not redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    if count < limit then
      redis.call('ZADD', KEYS[1], expiry, ARGV[i])
      count = count + 1
    else
      refused[#refused + 1] = ARGV[i]
    end
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return refused
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    holdSessionLeases(key: string, limit: number, ttlMs: number, ...connectionIds: string[]): Result<string[], Context>;
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
    private readonly namespace: RedisNamespace,
  ) {
    // Defined once per connection; several stores (tests, two gateways in one process) may share one.
    if (typeof (redis as Partial<Redis>).holdSessionLeases !== 'function') {
      redis.defineCommand('holdSessionLeases', { numberOfKeys: 1, lua: HOLD_LEASES_LUA });
    }
  }

  keyOf(companyId: string): string {
    return this.namespace.leaseKey(companyId);
  }

  /** Acquires or renews; false when the company already holds `limit` live leases. */
  async hold({ companyId, connectionId }: LeaseHolder, limit: number): Promise<boolean> {
    const refused = await this.redis.holdSessionLeases(this.keyOf(companyId), limit, this.ttlMs, connectionId);
    return refused.length === 0;
  }

  /** Renews many leases, one script per company, in one round trip; returns the holders that lost theirs. */
  async renew(holders: readonly LeaseHolder[], limit: number): Promise<LeaseHolder[]> {
    const byCompany = new Map<string, string[]>();
    for (const { companyId, connectionId } of holders) {
      const ids = byCompany.get(companyId);
      if (ids) ids.push(connectionId);
      else byCompany.set(companyId, [connectionId]);
    }
    const pipeline = this.redis.pipeline();
    for (const [companyId, ids] of byCompany) {
      pipeline.holdSessionLeases(this.keyOf(companyId), limit, this.ttlMs, ...ids);
    }
    const results = (await pipeline.exec()) ?? [];
    const lost: LeaseHolder[] = [];
    [...byCompany.keys()].forEach((companyId, i) => {
      const [err, refused] = results[i] as [Error | null, string[]];
      if (err) throw err;
      for (const connectionId of refused) lost.push({ companyId, connectionId });
    });
    return lost;
  }

  async release({ companyId, connectionId }: LeaseHolder): Promise<void> {
    await this.redis.zrem(this.keyOf(companyId), connectionId);
  }

  /** Leases of a company not yet expired by this process's clock (for tests and diagnostics). */
  count(companyId: string): Promise<number> {
    return this.redis.zcount(this.keyOf(companyId), `(${Date.now()}`, '+inf');
  }
}
