import { deliveryKey } from '@tgfetch/core';
import { defineScript, type ScriptClient } from './script.js';

/**
 * Acknowledging a command of the list queue, taking the next one and counting its delivery
 * in one round trip: a busy worker's loop costs one script a command instead of an ack, a
 * pop and a count (an idle one still waits in the blocking pop).
 *
 * The count is kept under core's `deliveryKey` of the payload (`id:<command_id>` or
 * `sha1:<hex>`). The script derives it as core does for what it can tell for sure (a JSON
 * object whose `command_id` is a plain ASCII string, or the payload's SHA-1); for anything
 * else (a payload too large to decode in Redis, ids with other characters) it leaves the
 * count to the caller, and the caller checks every key the script chose against core's
 * and moves the count when they differ (bytes that are not UTF-8, which core hashes
 * decoded). Either way the count ends under core's key, as every other worker keeps it.
 */

/** Payloads above this are not decoded inside Redis (which blocks it meanwhile). */
const DECODE_MAX_BYTES = 65_536;

const claimLua = `
local function keyOf(payload)
  if #payload > ${DECODE_MAX_BYTES} then return nil end
  local ok, value = pcall(cjson.decode, payload)
  if ok and type(value) == 'table' then
    local id = value['command_id']
    if type(id) == 'string' and #id > 0 then
      if #id <= 128 and not string.find(id, '[%z\\1-\\31\\127-\\255]') then return 'id:' .. id end
      return nil
    end
  end
  return 'sha1:' .. redis.sha1hex(payload)
end
-- pcall: a claim Redis refuses (out of memory) must not fail the ack before it, which
-- went through; the worker then pops as it would with nothing claimed.
local function claim(queue, processing, deliveries)
  local payload = redis.pcall('LMOVE', queue, processing, 'LEFT', 'RIGHT')
  if type(payload) ~= 'string' then return false end
  local key = keyOf(payload)
  if not key then return {payload} end
  local count = redis.pcall('HINCRBY', deliveries, key, 1)
  if type(count) ~= 'number' then return {payload} end
  return {payload, key, count}
end
`;

// KEYS: processing, deliveries, queue. ARGV: payload, delivery key, 'next' to claim the next
// command too. Acks as MULTI LREM HDEL EXEC did (atomically), then claims.
const ackScript = defineScript(`${claimLua}
redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[2])
if ARGV[3] ~= 'next' then return false end
return claim(KEYS[3], KEYS[1], KEYS[2])`);

// KEYS: deliveries. ARGV: the key counted by the script ('' for none), core's key.
const recountScript = defineScript(`
if ARGV[1] ~= '' and redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
end
return redis.call('HINCRBY', KEYS[1], ARGV[2], 1)`);

export interface ListKeys {
  queue: string;
  processing: string;
  deliveries: string;
}

/** What a claim took: the raw payload, and its count under the script's key (if it counted). */
export interface Claimed {
  raw: Buffer;
  counted?: { key: string; attempt: number };
}

function claimed(reply: unknown): Claimed | undefined {
  if (!Array.isArray(reply) || !Buffer.isBuffer(reply[0])) return undefined;
  const [raw, key, attempt] = reply as [Buffer, Buffer | undefined, number | undefined];
  if (key === undefined || typeof attempt !== 'number') return { raw };
  return { raw, counted: { key: key.toString('utf8'), attempt } };
}

/** The Redis side of the list queue's claims; `client` must map blob strings to Buffers. */
export function listClaims(client: ScriptClient, keys: ListKeys) {
  return {
    /** Acks `payload` (counted under `id`) and, with `next`, claims the next command. */
    async ack(payload: string, id: string, next: boolean): Promise<Claimed | undefined> {
      const reply = await ackScript.run(
        client,
        [keys.processing, keys.deliveries, keys.queue],
        [payload, id, next ? 'next' : ''],
      );
      return claimed(reply);
    },
    /**
     * The delivery count of `payload` (its decoded text) under core's key: the script's when
     * it chose the same key, else moved there (or counted there for the first time).
     */
    async attempt(
      payload: string,
      counted: Claimed['counted'],
    ): Promise<{ id: string; attempt: number }> {
      const id = deliveryKey(payload);
      if (counted?.key === id) return { id, attempt: counted.attempt };
      const attempt = await recountScript.run(client, [keys.deliveries], [counted?.key ?? '', id]);
      return { id, attempt: Number(attempt) };
    },
  };
}
