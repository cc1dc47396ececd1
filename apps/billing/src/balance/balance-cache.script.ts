/*
 * The Redis balance cache gateways read at connect: RedisNamespace.balanceKey holds the balance and
 * RedisNamespace.balanceVersionKey holds `<balance_version>@<written at, ms>` (gateways read the version
 * to tell a depletion broadcast that a top-up has overtaken).
 */

/** Write modes of SET_BALANCES (ARGV[1]). */
export enum BalanceWriteMode {
  /**
   * A balance just committed by a change (usage batch, top-up): written only over an older version,
   * so late or retried writes never roll a balance back.
   */
  Live = 'live',
  /**
   * A balance read from the database (boot warm-up, periodic refresh, cache miss), with the Redis time
   * taken just before that read: also overwrites a NEWER version written before that time. Such a
   * version was committed before the read began, so a read that did not see it means the database is
   * behind the cache (recreated or restored: versions restart), and the cache is healed. A newer version
   * written after the read began is a live write racing it, and wins however late the snapshot lands.
   */
  Snapshot = 'snapshot',
}

/**
 * KEYS: balance key, version key pairs. ARGV: mode, the snapshot's read time (ms, Redis TIME; ignored
 * live), then balance, version pairs. Returns how many balances were written. Redis TIME keeps every
 * billing process on one clock.
 */
export const SET_BALANCES = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local snapshot = ARGV[1] == 'snapshot'
local readAt = tonumber(ARGV[2])
local written = 0
for i = 1, #KEYS, 2 do
  local version = tonumber(ARGV[i + 3])
  local stored = redis.call('GET', KEYS[i + 1])
  local write = not stored
  if stored then
    local v, at = string.match(stored, '^(%d+)@?(%d*)$')
    v = tonumber(v) or -1
    at = tonumber(at) or 0
    write = v < version or (snapshot and at < readAt)
  end
  if write then
    redis.call('SET', KEYS[i], ARGV[i + 2])
    redis.call('SET', KEYS[i + 1], ARGV[i + 3] .. '@' .. now)
    written = written + 1
  end
end
return written`;
