/*
 * The Redis balance cache gateways read at connect: RedisNamespace.balanceKey holds the balance and
 * RedisNamespace.balanceVersionKey holds `<balance_version>@<written at, ms>` (only billing reads it).
 */

/** Write modes of SET_BALANCES (ARGV[1]). */
export enum BalanceWriteMode {
  /**
   * A balance just committed by a change (usage batch, top-up): written only over an older version,
   * so late or retried writes never roll a balance back.
   */
  Live = 'live',
  /**
   * A balance read from the database as it is now (boot warm-up, periodic refresh, cache miss):
   * also overwrites a NEWER version unless that one was written within the freshness window. That
   * heals a cache left ahead of the database (database recreated or restored: versions restart),
   * while a live write racing the snapshot read still wins.
   */
  Snapshot = 'snapshot',
}

/**
 * KEYS: balance key, version key pairs. ARGV: mode, freshness window (ms), then balance, version pairs.
 * Returns how many balances were written. Redis TIME keeps every billing process on one clock.
 */
export const SET_BALANCES = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local snapshot = ARGV[1] == 'snapshot'
local fresh = tonumber(ARGV[2])
local written = 0
for i = 1, #KEYS, 2 do
  local version = tonumber(ARGV[i + 3])
  local stored = redis.call('GET', KEYS[i + 1])
  local write = not stored
  if stored then
    local v, at = string.match(stored, '^(%d+)@?(%d*)$')
    v = tonumber(v) or -1
    at = tonumber(at) or 0
    write = v < version or (snapshot and now - at > fresh)
  end
  if write then
    redis.call('SET', KEYS[i], ARGV[i + 2])
    redis.call('SET', KEYS[i + 1], ARGV[i + 3] .. '@' .. now)
    written = written + 1
  end
end
return written`;
