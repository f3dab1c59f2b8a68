// The Lua of the Redis idempotency store: record.ts's three moves, each atomic on one key, so every
// router sharing the Redis sees one owner per Idempotency-Key. One key per record (a hash tagged
// `{i:<id>}`), so each script stays in one Redis Cluster slot. `exp` is the record's expiry by the
// routers' clock, checked like record.ts `live`; PEXPIRE only reclaims the memory.
//
// Hash fields: state (pending|done), fp, owner (pending), exp, status, answer and at (done).

/** KEYS[1]; ARGV fingerprint, owner, now, pendingTtlMs → {'claimed'} | {'mismatch'} | {'pending', exp} | {'done', status, answer, at}. */
export const CLAIM = `
local r = redis.call('HMGET', KEYS[1], 'state', 'fp', 'exp', 'status', 'answer', 'at')
local now = tonumber(ARGV[3])
if r[1] and tonumber(r[3]) > now then
  if r[2] ~= ARGV[1] then return {'mismatch'} end
  if r[1] == 'pending' then return {'pending', r[3]} end
  return {'done', r[4], r[5], r[6]}
end
local ttl = tonumber(ARGV[4])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'state', 'pending', 'fp', ARGV[1], 'owner', ARGV[2], 'exp', now + ttl)
redis.call('PEXPIRE', KEYS[1], ttl)
return {'claimed'}
`;

/** KEYS[1]; ARGV owner, now, ttlMs, status, answer → 1 stored, 0 the owner no longer holds the key. */
export const FINISH = `
local r = redis.call('HMGET', KEYS[1], 'state', 'owner', 'exp')
local now = tonumber(ARGV[2])
if r[1] ~= 'pending' or r[2] ~= ARGV[1] or tonumber(r[3]) <= now then return 0 end
local ttl = tonumber(ARGV[3])
redis.call('HDEL', KEYS[1], 'owner')
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[4], 'answer', ARGV[5], 'at', now, 'exp', now + ttl)
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`;

/** KEYS[1]; ARGV owner, now, leaseMs → 1 renewed, 0 the owner no longer holds the key. */
export const RENEW = `
local r = redis.call('HMGET', KEYS[1], 'state', 'owner', 'exp')
local now = tonumber(ARGV[2])
if r[1] ~= 'pending' or r[2] ~= ARGV[1] or tonumber(r[3]) <= now then return 0 end
local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'exp', now + ttl)
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`;

/** KEYS[1]; ARGV owner, now → 1 dropped, 0 the owner no longer holds the key. */
export const ABANDON = `
local r = redis.call('HMGET', KEYS[1], 'state', 'owner', 'exp')
if r[1] ~= 'pending' or r[2] ~= ARGV[1] or tonumber(r[3]) <= tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;
