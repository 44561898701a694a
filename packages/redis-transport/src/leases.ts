import { randomUUID } from 'node:crypto';
import {
  assertLeaseName,
  assertLeaseTtl,
  createLease,
  type Leases,
  systemClock,
} from '@tgfetch/core';
import type { RedisClient } from './connection.js';
import { toRedisError } from './errors.js';
import { replyDeadline } from './reply-deadline.js';
import { defineScript } from './script.js';
import { releaseTokenScript, renewTokenScript } from './token-scripts.js';

export interface RedisLeasesOptions {
  /** A connected client (plain commands only). Never closed by the leases. */
  client: RedisClient;
  /**
   * Leases are `<prefix><name>`; the fence counter `<prefix>#fence` and the marker
   * `<prefix>#since` sit beside them (`#` is in no lease name). @default 'tgfetch:lease:'
   */
  prefix?: string;
  /** Deadline of each Redis call: a later answer is a retryable `REDIS_NO_REPLY`. @default 2_000 */
  replyTimeoutMs?: number;
}

/**
 * `KEYS`: the lease, the fence counter, the marker. `ARGV`: a random token, the ttl in ms.
 * The lease's value (its holder's token) is `<fence>:<token>`, or nil when it is held.
 *
 * A fence is the counter's next value, but never less than the server's time in µs: a Redis
 * that lost the counter (restarted without persistence, or from an older snapshot) still
 * gives fences above every earlier one, as long as its clock has not gone back. The marker
 * holds when this Redis gave its first fence: gone after a restart that lost the data.
 * Numbers are formatted with `%.0f`, as Lua would print a µs time in exponent form.
 */
const acquireScript = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local fence = redis.call('INCR', KEYS[2])
if fence < now then
  fence = now
  redis.call('SET', KEYS[2], string.format('%.0f', fence))
end
redis.call('SET', KEYS[3], string.format('%.0f', now), 'NX')
local value = string.format('%.0f', fence) .. ':' .. ARGV[1]
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return value`);

/**
 * Core's `Leases` across processes on one Redis: `SET NX PX` in a script that also draws the
 * fence, renewed and released by their holder only (compare-and-pexpire, compare-and-del on
 * the holder's token), each call within `replyTimeoutMs`. Lifetimes are counted on the
 * system clock here and on the server's there: keep them far above the clocks' drift over
 * one lifetime and the network's delays (seconds, not milliseconds).
 */
export function createRedisLeases(options: RedisLeasesOptions): Leases {
  const { client } = options;
  const prefix = options.prefix ?? 'tgfetch:lease:';
  const replyTimeoutMs = options.replyTimeoutMs ?? 2_000;
  const clock = systemClock;
  const call = async <T>(reply: () => Promise<T>, what: string): Promise<T> => {
    try {
      return await replyDeadline(reply(), replyTimeoutMs, what);
    } catch (error) {
      throw toRedisError(error);
    }
  };

  return {
    async acquire(name, { ttlMs }) {
      assertLeaseName(name);
      assertLeaseTtl(ttlMs);
      const key = `${prefix}${name}`;
      const sentAt = clock.now();
      const value = await call(
        () =>
          acquireScript.run(
            client,
            [key, `${prefix}#fence`, `${prefix}#since`],
            [randomUUID(), String(ttlMs)],
          ),
        `acquiring lease ${name}`,
      );
      if (value === null || value === undefined) return undefined;
      const token = String(value);
      const fence = Number(token.slice(0, token.indexOf(':')));
      return createLease({
        name,
        fence,
        ttlMs,
        clock,
        sentAt,
        renew: async () =>
          (await call(
            () => renewTokenScript.run(client, [key], [token, String(ttlMs)]),
            `renewing lease ${name}`,
          )) === 1,
        release: async () => {
          await call(
            () => releaseTokenScript.run(client, [key], [token]),
            `releasing lease ${name}`,
          );
        },
      }).lease;
    },
  };
}
