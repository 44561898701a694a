import type { ResumePoint, ResumeStore } from '@tgfetch/core';
import type { RedisClient } from './connection.js';
import { ResumeErrorCode, redisError, toRedisError } from './errors.js';
import { replyDeadline } from './reply-deadline.js';

export interface RedisResumeStoreOptions {
  /** A connected client (plain commands only). Never closed by the store. */
  client: RedisClient;
  /** A point is the string `<prefix><key>`, its JSON. @default 'tgfetch:resume:' */
  prefix?: string;
  /** The largest point, in bytes of JSON: `save` refuses more with `RESUME_TOO_LARGE`. @default 1 MiB */
  maxBytes?: number;
  /** Deadline of each Redis call (a retryable `REDIS_NO_REPLY` past it). @default 2_000 */
  replyTimeoutMs?: number;
}

export const MAX_RESUME_KEY_LENGTH = 200;
const KEY = /^[A-Za-z0-9@+_-][A-Za-z0-9._:@+-]*$/;

/**
 * Core's `ResumeStore` in Redis: one string of JSON per key (an account), replaced whole by
 * each `save` (one `SET`: a reader sees the old point or the new, never half). A save is as
 * durable as the server's persistence makes an acknowledged write (`appendfsync`): a Redis
 * that loses it gives an older point back, or none, and the source repeats changes, which
 * applying makes harmless.
 */
export function createRedisResumeStore(options: RedisResumeStoreOptions): ResumeStore {
  const { client } = options;
  const prefix = options.prefix ?? 'tgfetch:resume:';
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const replyTimeoutMs = options.replyTimeoutMs ?? 2_000;
  const call = async <T>(reply: () => Promise<T>, what: string): Promise<T> => {
    try {
      return await replyDeadline(reply(), replyTimeoutMs, what);
    } catch (error) {
      throw toRedisError(error);
    }
  };
  const keyOf = (key: unknown) => {
    if (typeof key !== 'string' || key.length > MAX_RESUME_KEY_LENGTH || !KEY.test(key)) {
      throw redisError(
        ResumeErrorCode.RESUME_INVALID_KEY,
        `Not a resume key: ${JSON.stringify(String(key).slice(0, 60))} (letters, digits and . _ : @ + -, at most ${MAX_RESUME_KEY_LENGTH})`,
      );
    }
    return `${prefix}${key}`;
  };

  return {
    async load(key) {
      const redisKey = keyOf(key);
      const text = await call(() => client.get(redisKey), `reading ${redisKey}`);
      if (text === null) return undefined;
      let point: unknown;
      try {
        point = JSON.parse(text);
      } catch {
        point = undefined;
      }
      if (!isObject(point)) {
        throw redisError(
          ResumeErrorCode.RESUME_INVALID_POINT,
          `${redisKey} holds no resume point (not a JSON object): delete it to start from now`,
        );
      }
      return point;
    },
    async save(key, point) {
      const redisKey = keyOf(key);
      if (!isObject(point)) {
        throw redisError(ResumeErrorCode.RESUME_INVALID_POINT, 'A resume point is a JSON object');
      }
      const text = JSON.stringify(point);
      const bytes = Buffer.byteLength(text);
      if (bytes > maxBytes) {
        throw redisError(
          ResumeErrorCode.RESUME_TOO_LARGE,
          `The resume point of ${key} is ${bytes} bytes of JSON, more than ${maxBytes}`,
        );
      }
      await call(() => client.set(redisKey, text), `writing ${redisKey}`);
    },
  };
}

function isObject(value: unknown): value is ResumePoint {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
