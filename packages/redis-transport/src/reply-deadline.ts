import { RedisErrorCode, redisError } from './errors.js';

/**
 * `reply`, or a retryable `REDIS_NO_REPLY` error once `ms` passed: a frozen server keeps its
 * socket open and never answers, and node-redis bounds only the wait to send, not the reply.
 * A call that missed its deadline may still be carried out later; callers make that harmless.
 */
export function replyDeadline<T>(
  reply: Promise<T>,
  ms: number,
  what: string,
  where?: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          redisError(
            RedisErrorCode.REDIS_NO_REPLY,
            `${where === undefined ? 'Redis' : `Redis (${where})`} did not answer ${what} within ${ms}ms`,
          ),
        ),
      ms,
    );
  });
  return Promise.race([reply, late]).finally(() => clearTimeout(timer));
}
