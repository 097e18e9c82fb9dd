import { RedisScript } from './redis-script.js';

/*
 * The presence layout, under the deployment prefix P:
 *   P presence:nodes         ZSET  nodeId → deadline (ms): the node is alive until then
 *   P presence:node:<node>   SET   user ids the node holds connections of
 *   P presence:user:<user>   SET   node ids holding connections of the user (online ⇔ non-empty)
 *   P presence:seen          HASH  user id → lastSeenAt (ms) of the last offline transition
 * Every script takes the prefix as ARGV[1], so keys are built inside: fine on one Redis or a
 * replicated pair; a Redis Cluster deployment needs the per-node layout (docs/scaling.md).
 */

/** ARGV: prefix, nodeId, userId… → the user ids that were offline everywhere before. */
export const CONNECT = new RedisScript(`
local p, node = ARGV[1], ARGV[2]
local came = {}
for i = 3, #ARGV do
  local uid = ARGV[i]
  redis.call('SADD', p .. 'presence:node:' .. node, uid)
  local key = p .. 'presence:user:' .. uid
  if redis.call('SADD', key, node) == 1 and redis.call('SCARD', key) == 1 then came[#came + 1] = uid end
end
return came
`);

/** ARGV: prefix, nodeId, atMs, userId… → the user ids now offline everywhere (their lastSeenAt set). */
export const DISCONNECT = new RedisScript(`
local p, node, at = ARGV[1], ARGV[2], ARGV[3]
local gone = {}
for i = 4, #ARGV do
  local uid = ARGV[i]
  redis.call('SREM', p .. 'presence:node:' .. node, uid)
  local key = p .. 'presence:user:' .. uid
  if redis.call('SREM', key, node) == 1 and redis.call('SCARD', key) == 0 then
    redis.call('HSET', p .. 'presence:seen', uid, at)
    gone[#gone + 1] = uid
  end
end
return gone
`);

/**
 * ARGV: prefix, nodeId, deadlineMs, nowMs → {wasAlive, heldCount}. Extends the node's lease;
 * `wasAlive` is 0 when the node was unknown (Redis lost its data) or already expired (peers may
 * be taking its users offline), so the node must re-register what it holds.
 */
export const HEARTBEAT = new RedisScript(`
local p, node, deadline, now = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local key = p .. 'presence:nodes'
local previous = redis.call('ZSCORE', key, node)
redis.call('ZADD', key, deadline, node)
local alive = 0
if previous and tonumber(previous) >= now then alive = 1 end
return {alive, redis.call('SCARD', p .. 'presence:node:' .. node)}
`);

/**
 * ARGV: prefix, deadNodeId, nowMs, ttlMs, batch → {done, atMs, userId…}. Takes up to `batch`
 * users off a node whose lease ran out and returns those now offline everywhere. SPOP makes
 * each user's removal happen in exactly one call, so when several nodes reap the same dead
 * node at once every offline transition is reported to exactly one of them. A node that
 * renewed its lease in the meantime is left alone.
 */
export const REAP = new RedisScript(`
local p, dead, now, ttl, batch = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local nodes = p .. 'presence:nodes'
local deadline = redis.call('ZSCORE', nodes, dead)
if not deadline or tonumber(deadline) >= now then return {1, 0} end
local at = tonumber(deadline) - ttl
local nodeKey = p .. 'presence:node:' .. dead
local result = {0, at}
for _, uid in ipairs(redis.call('SPOP', nodeKey, batch)) do
  local key = p .. 'presence:user:' .. uid
  if redis.call('SREM', key, dead) == 1 and redis.call('SCARD', key) == 0 then
    redis.call('HSET', p .. 'presence:seen', uid, at)
    result[#result + 1] = uid
  end
end
if redis.call('SCARD', nodeKey) == 0 then
  redis.call('ZREM', nodes, dead)
  result[1] = 1
end
return result
`);
