import { asLearnedRate, checkRateRecord, type RateMemory } from '@tgfetch/core';
import type { RedisClient } from './connection.js';
import { toRedisError } from './errors.js';

export interface RedisRateMemoryOptions {
  /** A connected client (plain commands only). */
  client: RedisClient;
  /** Keys are `<prefix><account>`: a hash of the account's learned rate. @default 'tgfetch:rate:' */
  prefix?: string;
}

/**
 * Core's `RateMemory` in Redis: one hash per account (`requests_per_second`, `burst`,
 * `learned_at`, `basis_sec`), so that every daemon of the account, and the next one started,
 * paces at what the last flood wait taught. A hash that does not read as a rate is no rate.
 */
export function createRedisRateMemory(options: RedisRateMemoryOptions): RateMemory {
  const { client } = options;
  const prefix = options.prefix ?? 'tgfetch:rate:';
  return {
    async load(account) {
      let fields: Record<string, string>;
      try {
        fields = await client.hGetAll(prefix + account);
      } catch (error) {
        throw toRedisError(error);
      }
      return asLearnedRate({
        requestsPerSecond: Number(fields.requests_per_second),
        burst: Number(fields.burst),
        learnedAt: Number(fields.learned_at),
        ...(fields.basis_sec === undefined ? {} : { basisSec: Number(fields.basis_sec) }),
      });
    },
    async save(account, rate) {
      checkRateRecord(account, rate);
      const key = prefix + account;
      try {
        // Whole: a field left from an earlier save must not outlive it.
        await client
          .multi()
          .del(key)
          .hSet(key, {
            requests_per_second: String(rate.requestsPerSecond),
            burst: String(rate.burst),
            learned_at: String(rate.learnedAt),
            ...(rate.basisSec === undefined ? {} : { basis_sec: String(rate.basisSec) }),
          })
          .exec();
      } catch (error) {
        throw toRedisError(error);
      }
    },
  };
}
