import { defineScript } from './script.js';

/**
 * The schedule store's writes, each one script so that no reader ever sees half of one and
 * no two schedulers both win a tick. A schedule is a hash (`spec`, `paused`, `rev`, `next`,
 * `last_*`); `due` is a sorted set of the unpaused ones by due time (next tick + jitter);
 * `names` the set of all; `outcome:<name>` the commands of the last run and their status.
 */

// KEYS: schedule, due, names. ARGV: name, spec JSON, paused 0|1, next, due score, now,
// mode add|replace|update, max schedules.
// An identical spec changes nothing (a re-delivered add, an update to the same thing).
export const putScript = defineScript(`
local exists = redis.call('EXISTS', KEYS[1]) == 1
if exists and redis.call('HGET', KEYS[1], 'spec') == ARGV[2] then return 'unchanged' end
if exists and ARGV[7] == 'add' then return 'exists' end
if not exists and ARGV[7] == 'update' then return 'missing' end
if not exists and redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[8]) then return 'limit' end
redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('HSET', KEYS[1], 'spec', ARGV[2], 'paused', ARGV[3], 'next', ARGV[4], 'updated', ARGV[6])
if not exists then redis.call('HSET', KEYS[1], 'created', ARGV[6]) end
if ARGV[3] == '1' then redis.call('ZREM', KEYS[2], ARGV[1]) else redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1]) end
redis.call('SADD', KEYS[3], ARGV[1])
if exists then return 'replaced' end
return 'added'`);

// KEYS: schedule, due. ARGV: name, now.
export const pauseScript = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HGET', KEYS[1], 'paused') == '1' then return 'unchanged' end
redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('HSET', KEYS[1], 'paused', '1', 'updated', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
return 'paused'`);

// KEYS: schedule, due. ARGV: name, expected rev, next, due score, now. 'stale' when the
// schedule changed since the caller computed its next tick from it.
export const resumeScript = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HGET', KEYS[1], 'paused') ~= '1' then return 'unchanged' end
if redis.call('HGET', KEYS[1], 'rev') ~= ARGV[2] then return 'stale' end
redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('HSET', KEYS[1], 'paused', '0', 'next', ARGV[3], 'updated', ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 'resumed'`);

// KEYS: schedule, due, names, outcome. ARGV: name.
export const removeScript = defineScript(`
local existed = redis.call('DEL', KEYS[1], KEYS[4])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
return existed`);

/**
 * One tick, exactly once. KEYS: schedule, due, outcome, queue. ARGV: name, expected next,
 * expected rev, run tick, new next, new due score, now, max queue length, list|stream,
 * stream payload field, command ids JSON, missed, then one command JSON per chat.
 *
 * Compare-and-set: only a caller that read the schedule's current `next` and `rev` wins; any
 * other (a scheduler that lost the race, or read it before an update) changes nothing. A
 * queue without room for all of the tick's commands is left alone and so is the schedule:
 * the tick stays due. Returns {1} pushed, {0, reason} lost, {-1, length} queue full.
 */
export const tickScript = defineScript(`
local state = redis.call('HMGET', KEYS[1], 'next', 'rev', 'paused')
if state[1] ~= ARGV[2] or state[2] ~= ARGV[3] then return {0, 'moved'} end
if state[3] == '1' then return {0, 'paused'} end
local n = #ARGV - 12
local length
if ARGV[9] == 'stream' then length = redis.call('XLEN', KEYS[4]) else length = redis.call('LLEN', KEYS[4]) end
if length + n > tonumber(ARGV[8]) then return {-1, length} end
for i = 13, #ARGV do
  if ARGV[9] == 'stream' then redis.call('XADD', KEYS[4], '*', ARGV[10], ARGV[i])
  else redis.call('RPUSH', KEYS[4], ARGV[i]) end
end
redis.call('HSET', KEYS[1], 'next', ARGV[5], 'last_tick', ARGV[4], 'last_pushed', ARGV[7],
  'last_ids', ARGV[11], 'last_missed', ARGV[12])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
redis.call('DEL', KEYS[3])
for _, id in ipairs(cjson.decode(ARGV[11])) do redis.call('HSET', KEYS[3], id, 'pending') end
return {1}`);

// KEYS: outcome. ARGV: command id, status. Only a command of the schedule's last run is
// recorded; a final status is not taken back by a late 'running'.
export const outcomeScript = defineScript(`
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if ARGV[2] == 'running' and current ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`);
