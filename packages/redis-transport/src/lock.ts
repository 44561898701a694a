import { randomUUID } from 'node:crypto';
import {
  AbortError,
  type Backoff,
  backoffDelay,
  type ChatLock,
  chatBusyError,
  chatKey,
  systemClock,
} from '@tgfetch/core';
import type { RedisClient } from './connection.js';
import { toRedisError } from './errors.js';
import { releaseTokenScript, renewTokenScript } from './token-scripts.js';

export interface RedisChatLockOptions {
  /** A connected client (plain commands only; the lock never blocks it). */
  client: RedisClient;
  /** Lock keys are `<prefix><chatKey(chat)>`. @default 'tg_lock:' */
  prefix?: string;
  /** Lifetime of a lock whose holder stopped renewing it (died). @default 30_000 */
  ttlMs?: number;
  /** How often a held lock is renewed. @default ttlMs / 3 */
  renewMs?: number;
  /** First wait between tries of a waiter; doubles up to `maxWaitMs`, with jitter. @default 100 */
  minWaitMs?: number;
  /** @default 2_000 */
  maxWaitMs?: number;
  /**
   * How long `acquire` waits for a lock another holder has before it fails with a retryable
   * `CHAT_BUSY` error (a worker then takes other work instead of idling). @default no limit
   */
  waitMs?: number;
  /** Told when a renewal finds the lock lost (expired and taken). @default none */
  onLost?: (chat: string) => void;
  /** [0, 1) source for the jitter. @default Math.random */
  random?: () => number;
}

/**
 * Core's `ChatLock` across processes: `SET key token NX PX ttl`, renewed while held (only
 * by its holder: compare-and-pexpire), released by its holder only (compare-and-del). A
 * waiter polls with capped exponential backoff and jitter, and gives up when aborted.
 */
export function createRedisChatLock(options: RedisChatLockOptions): ChatLock {
  const { client } = options;
  const prefix = options.prefix ?? 'tg_lock:';
  const ttlMs = options.ttlMs ?? 30_000;
  const renewMs = options.renewMs ?? Math.max(1, Math.floor(ttlMs / 3));
  const minWaitMs = options.minWaitMs ?? 100;
  const maxWaitMs = options.maxWaitMs ?? 2_000;
  const backoff: Backoff = { baseMs: minWaitMs, maxMs: maxWaitMs, jitter: 'equal' };
  const random = options.random ?? Math.random;

  return {
    async acquire(chat, signal) {
      const key = `${prefix}${chatKey(chat)}`;
      const token = randomUUID();
      const giveUpAt = Date.now() + (options.waitMs ?? Number.POSITIVE_INFINITY);
      for (let attempt = 0; ; attempt++) {
        if (signal.aborted) throw new AbortError('gave up waiting for the chat lock');
        let got: unknown;
        try {
          got = await client.set(key, token, {
            condition: 'NX',
            expiration: { type: 'PX', value: ttlMs },
          });
        } catch (error) {
          throw toRedisError(error);
        }
        if (got !== null) break;
        if (Date.now() >= giveUpAt) {
          throw chatBusyError(String(chat));
        }
        const pause = Math.min(backoffDelay(attempt, backoff, random), giveUpAt - Date.now());
        await systemClock.sleep(Math.max(0, pause), signal).catch(() => {
          throw new AbortError('gave up waiting for the chat lock');
        });
      }
      const renewal = setInterval(() => {
        renewTokenScript.run(client, [key], [token, String(ttlMs)]).then(
          (renewed) => {
            if (renewed === 0) options.onLost?.(String(chat));
          },
          // A failed renewal is retried at the next tick; the TTL leaves room for two misses.
          () => {},
        );
      }, renewMs);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        clearInterval(renewal);
        try {
          await releaseTokenScript.run(client, [key], [token]);
        } catch (error) {
          // The lock then expires on its own after ttlMs.
          throw toRedisError(error);
        }
      };
    },
  };
}
