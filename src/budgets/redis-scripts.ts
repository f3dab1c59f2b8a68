// The Lua scripts of the Redis store: each phase (reserve, top-up, settle) is one script, so it is one
// atomic step and one round trip. Every script of one API key gets the same nine KEYS, all under the
// key's hash tag (one Redis Cluster slot), and the same leading ARGV (see redis-layout.ts):
//   KEYS  1 limits  2 held (id -> "tokens|ttl|4 bucket members|nano-USD")  3 expiries (zset id by
//         expiresAt)  4 reclaimed (zset id by expiresAt)  5 bucket index (zset member by expireAt)
//         6..9 buckets: minute, day, month, lifetime (hashes: used, reserved, usd_used, usd_reserved,
//         requests; the usd_ fields in nano-USD)
//   ARGV  1 now  2..9 (member, expireAt) per bucket, expireAt 0 = never  10 forget reclaimed up to
//         11 reservation id  12 tokens, then per script: reserve 13 ttl ms 14 expiresAt 15 nano-USD
//         16 the caller's key generation ('' for none);
//         top-up and settle 13 nano-USD
// Dollars are checked beside tokens in the same step: the same bucket hashes, the same reservation.
// Buckets are the current ones for reserve/usage, and the reservation's own for topUp/settle.

const PRELUDE = `
local now = tonumber(ARGV[1])
-- The key's enabled flag and limits, one HMGET: six token and request limits, then the dollar limits
-- in nano-USD (day, month, lifetime: minutes have none).
local LIMIT_FIELDS = {'enabled', 'tokensPerMinute', 'tokensPerDay', 'tokensPerMonth', 'tokensLifetime', 'requestsPerMinute', 'maxConcurrent', 'usdPerDay', 'usdPerMonth', 'usdLifetime'}
local PERIODS = {'minute', 'day', 'month', 'lifetime'}
local buckets = {}
for i = 1, 4 do
  buckets[i] = { key = KEYS[5 + i], member = ARGV[2 * i], expireAt = tonumber(ARGV[2 * i + 1]) }
end

local function split(record)
  local parts = {}
  for part in string.gmatch(record, '[^|]+') do parts[#parts + 1] = part end
  return parts
end

-- Adds to a bucket field, never below 0, and keeps the bucket's expiry and its index entry (which
-- resetUsage and deleteKey walk). A bucket past its expiry stays gone: writing would resurrect it.
local function bump(b, field, delta)
  if b.expireAt > 0 and b.expireAt <= now then return end
  if redis.call('HINCRBY', b.key, field, delta) < 0 then redis.call('HSET', b.key, field, 0) end
  if b.expireAt > 0 then
    redis.call('PEXPIREAT', b.key, b.expireAt)
    redis.call('ZADD', KEYS[5], b.expireAt, b.member)
  else
    redis.call('ZADD', KEYS[5], '+inf', b.member)
  end
end

-- Reservations past their expiry belong to a router that died mid-request: release them from the
-- current buckets (a past bucket's reserved count is never checked again, and only current buckets
-- are declared keys) and remember them, so a late settle still charges what was generated.
local function reclaim()
  local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'WITHSCORES', 'LIMIT', 0, 1000)
  for j = 1, #due, 2 do
    local id = due[j]
    local record = redis.call('HGET', KEYS[2], id)
    if record then
      local f = split(record)
      for i = 1, 4 do
        if f[2 + i] == buckets[i].member then
          bump(buckets[i], 'reserved', -tonumber(f[1]))
          if (tonumber(f[7]) or 0) > 0 then bump(buckets[i], 'usd_reserved', -tonumber(f[7])) end
        end
      end
      redis.call('HDEL', KEYS[2], id)
    end
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZADD', KEYS[4], due[j + 1], id)
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[10])
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
end

-- The key's limits (-1 = unlimited) and counters: {enabled, 6 limits, used/reserved x 4, requests,
-- active, 3 dollar limits, usd_used/usd_reserved x 4}: s[19 + 2i], s[20 + 2i] for bucket i.
local function state()
  local raw = redis.call('HMGET', KEYS[1], unpack(LIMIT_FIELDS))
  local s = { raw[1] == '1' and 1 or 0 }
  for i = 1, 6 do s[#s + 1] = tonumber(raw[i + 1]) or -1 end
  -- One read per bucket for tokens and dollars alike.
  local usd = {}
  for i = 1, 4 do
    local c = redis.call('HMGET', buckets[i].key, 'used', 'reserved', 'usd_used', 'usd_reserved')
    s[#s + 1] = tonumber(c[1]) or 0
    s[#s + 1] = tonumber(c[2]) or 0
    usd[#usd + 1] = tonumber(c[3]) or 0
    usd[#usd + 1] = tonumber(c[4]) or 0
  end
  s[#s + 1] = tonumber(redis.call('HGET', buckets[1].key, 'requests')) or 0
  s[#s + 1] = redis.call('ZCARD', KEYS[3])
  for i = 1, 3 do s[#s + 1] = tonumber(raw[7 + i]) or -1 end
  for _, v in ipairs(usd) do s[#s + 1] = v end
  return s
end

-- Numbers go out as decimal strings: ioredis 6 reads an integer reply near 2^53 one off (a limit of
-- 2^53 - 1 came back as 2^53), and tostring would write 9.007199254741e+15.
local function reply(status, period)
  local out = { status, period }
  for _, v in ipairs(state()) do out[#out + 1] = string.format('%d', v) end
  return out
end

-- Whether amount more tokens fit in bucket i: used + reserved + amount <= limit.
local function fits(s, i, amount)
  local limit = s[1 + i]
  return limit < 0 or s[6 + 2 * i] + s[7 + 2 * i] + amount <= limit
end

-- Whether they would fit were no reservation in flight: used + amount <= limit.
local function unspent(s, i, amount)
  local limit = s[1 + i]
  return limit < 0 or s[6 + 2 * i] + amount <= limit
end

-- The same two in nano-USD; bucket 1 (the minute) has no dollar limit.
local function usdLimit(s, i)
  if i == 1 then return -1 end
  return s[16 + i]
end

local function usdFits(s, i, amount)
  local limit = usdLimit(s, i)
  return limit < 0 or s[19 + 2 * i] + s[20 + 2 * i] + amount <= limit
end

local function usdUnspent(s, i, amount)
  local limit = usdLimit(s, i)
  return limit < 0 or s[19 + 2 * i] + amount <= limit
end
`;

/** Replies {status, period, ...state()}: status ok, a RejectReason, or unknown_key (then nothing else). */
export const RESERVE = `${PRELUDE}
local owner = redis.call('HMGET', KEYS[1], 'enabled', 'generation')
if not owner[1] then return { 'unknown_key', '' } end
-- A key deleted and created again under its id: the caller's record is the old key's. (A copy
-- written before generations were kept has none, and is the caller's.)
if owner[2] and owner[2] ~= ARGV[16] then return { 'unknown_key', '' } end
reclaim()
local s = state()
local amount = tonumber(ARGV[12])
local usd = tonumber(ARGV[15]) or 0
if s[1] ~= 1 then return reply('disabled', '') end
if s[6] >= 0 and s[16] + 1 > s[6] then return reply('requests_per_minute', 'minute') end
if s[7] >= 0 and s[17] + 1 > s[7] then return reply('concurrency', '') end
-- A spent period first (tokens, then dollars), then one only held by reservations in flight (as
-- admit() in accounting.ts). A dollar refusal's period is prefixed usd:.
for i = 1, 4 do
  if not unspent(s, i, amount) then return reply(i == 1 and 'tokens_per_minute' or 'quota', PERIODS[i]) end
end
for i = 2, 4 do
  if not usdUnspent(s, i, usd) then return reply('quota', 'usd:' .. PERIODS[i]) end
end
for i = 1, 4 do
  if not fits(s, i, amount) then return reply('in_flight', PERIODS[i]) end
end
for i = 2, 4 do
  if not usdFits(s, i, usd) then return reply('in_flight', 'usd:' .. PERIODS[i]) end
end
redis.call('ZADD', KEYS[3], ARGV[14], ARGV[11])
redis.call('HSET', KEYS[2], ARGV[11], table.concat({ ARGV[12], ARGV[13], ARGV[2], ARGV[4], ARGV[6], ARGV[8], tostring(usd) }, '|'))
for i = 1, 4 do
  bump(buckets[i], 'reserved', amount)
  if usd > 0 then bump(buckets[i], 'usd_reserved', usd) end
end
bump(buckets[1], 'requests', 1)
return reply('ok', '')
`;

/** Same reply as RESERVE with status ok; nothing is reserved. */
export const USAGE = `${PRELUDE}
if not redis.call('HGET', KEYS[1], 'enabled') then return { 'unknown_key', '' } end
reclaim()
return reply('ok', '')
`;

/** 1 when the live reservation grew by ARGV[12] (and its expiry moved to now + its ttl), else 0. */
export const TOP_UP = `${PRELUDE}
local record = redis.call('HGET', KEYS[2], ARGV[11])
if not record then return 0 end
local s = state()
local amount = tonumber(ARGV[12])
local usd = tonumber(ARGV[13]) or 0
if s[1] ~= 1 then return 0 end
for i = 1, 4 do
  if not fits(s, i, amount) or not usdFits(s, i, usd) then return 0 end
end
for i = 1, 4 do
  bump(buckets[i], 'reserved', amount)
  if usd > 0 then bump(buckets[i], 'usd_reserved', usd) end
end
local f = split(record)
f[1] = tostring(tonumber(f[1]) + amount)
f[7] = tostring((tonumber(f[7]) or 0) + usd)
redis.call('HSET', KEYS[2], ARGV[11], table.concat(f, '|'))
redis.call('ZADD', KEYS[3], now + tonumber(f[2]), ARGV[11])
return 1
`;

/** Replies settled, settled_after_reclaim or already_settled (a repeat: nothing changed). */
export const SETTLE = `${PRELUDE}
local record = redis.call('HGET', KEYS[2], ARGV[11])
local result = 'settled'
if record then
  local f = split(record)
  local tokens = tonumber(f[1])
  local held = tonumber(f[7]) or 0
  for i = 1, 4 do
    bump(buckets[i], 'reserved', -tokens)
    if held > 0 then bump(buckets[i], 'usd_reserved', -held) end
  end
  redis.call('HDEL', KEYS[2], ARGV[11])
  redis.call('ZREM', KEYS[3], ARGV[11])
elseif redis.call('ZREM', KEYS[4], ARGV[11]) == 1 then
  result = 'settled_after_reclaim'
else
  return 'already_settled'
end
local amount = tonumber(ARGV[12])
local usd = tonumber(ARGV[13]) or 0
for i = 1, 4 do
  bump(buckets[i], 'used', amount)
  if usd > 0 then bump(buckets[i], 'usd_used', usd) end
end
return result
`;

/**
 * KEYS: every bucket hash of the key. Zeroes usage and request counts; live reservations (held, their
 * expiries, and what they hold in the buckets) stay, so requests in flight still count toward what is
 * reserved and toward concurrency, and settle as usual. A bucket holding nothing else goes.
 */
export const RESET = `
for i = 1, #KEYS do
  local r = redis.call('HMGET', KEYS[i], 'reserved', 'usd_reserved')
  if (tonumber(r[1]) or 0) > 0 or (tonumber(r[2]) or 0) > 0 then
    redis.call('HSET', KEYS[i], 'used', 0, 'usd_used', 0, 'requests', 0)
  else
    redis.call('DEL', KEYS[i])
  end
end
return 1
`;

/**
 * A key's enforced limits (KEYS[1]): replaced by ARGV[2..] (field, value pairs) when ARGV[1], the
 * revision of the record they come from, is newer than the revision the copy holds; else left alone
 * (a write that lost a race to a later one). Replies 1 when written, 0 when not.
 */
export const PUT_LIMITS = `
local held = tonumber(redis.call('HGET', KEYS[1], 'revision') or '0')
if held >= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'revision', unpack(ARGV))
return 1
`;
