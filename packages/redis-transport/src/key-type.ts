import type { RedisClient } from './connection.js';
import { RedisErrorCode, redisError } from './errors.js';

/**
 * Fails with `REDIS_CONFIG` when `key` holds another type than `wanted` (a queue name that
 * clashes with someone else's key): every later command on it would fail with WRONGTYPE.
 */
export async function checkKeyType(
  client: RedisClient,
  key: string,
  wanted: 'list' | 'stream',
): Promise<void> {
  const found = await client.type(key);
  if (found === 'none' || found === wanted) return;
  throw redisError(
    RedisErrorCode.REDIS_CONFIG,
    `the Redis key "${key.slice(0, 200)}" holds a ${found}, not a ${wanted}: choose another QUEUE_NAME or remove the key`,
  );
}
