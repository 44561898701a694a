import { RedisErrorCode, redisError, toRedisError } from './errors.js';

/** Runs one Redis call (or a few sent together) and waits at most `replyTimeoutMs` for it. */
export type DeadlineCall = <T>(what: string, run: () => Promise<T>) => Promise<T>;

/**
 * Calls on a client passed in (whose own command timeout may be off) with a deadline each:
 * past it a retryable `REDIS_NO_REPLY`, and every node-redis error translated. A call that
 * missed its deadline may still be carried out later; callers make that harmless.
 */
export function replyDeadline(replyTimeoutMs: number): DeadlineCall {
  return async (what, run) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            redisError(
              RedisErrorCode.REDIS_NO_REPLY,
              `Redis did not answer ${what} within ${replyTimeoutMs}ms`,
            ),
          ),
        replyTimeoutMs,
      );
    });
    try {
      return await Promise.race([run(), late]);
    } catch (error) {
      throw toRedisError(error);
    } finally {
      clearTimeout(timer);
    }
  };
}
