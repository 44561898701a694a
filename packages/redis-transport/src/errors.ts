import { TgfetchError, TransientError } from '@tgfetch/core';
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';

/** Stable codes this package raises. */
export const RedisErrorCode = {
  /** The connection dropped; node-redis reconnects, a retry may succeed. */
  Disconnected: 'REDIS_DISCONNECTED',
  /** Redis stayed unreachable longer than `maxOutageMs`: time to exit and be restarted. */
  Unavailable: 'REDIS_UNAVAILABLE',
  /** Redis answered with an error reply (wrong type, NOAUTH, NOSCRIPT…). */
  Reply: 'REDIS_ERROR',
  /** The queue, client or sink was closed. */
  Closed: 'REDIS_CLOSED',
  /** A command was delivered more than `maxDeliveries` times. */
  Poison: 'POISON_COMMAND',
  /** `run()` gave up waiting for the final event (the command may still run). Not Telegram's `TIMEOUT`. */
  Timeout: 'WAIT_TIMEOUT',
} as const;

const connectionErrors = [
  // What node-redis rejects a command with when it could not be sent within its command
  // timeout (5 s by default), i.e. while the connection is down: a disconnect, not a reply.
  TimeoutError,
  SocketClosedUnexpectedlyError,
  ConnectionTimeoutError,
  SocketTimeoutError,
  ClientOfflineError,
  DisconnectsClientError,
  ReconnectStrategyError,
];
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/**
 * Turns a node-redis error into a core error, so that callers and the retry policy see one
 * vocabulary. Secrets do not leak: node-redis messages carry no credentials, and URLs are
 * never put in messages here.
 */
export function toRedisError(error: unknown): TgfetchError {
  if (error instanceof TgfetchError) return error;
  if (!(error instanceof Error)) return new TgfetchError(RedisErrorCode.Reply, String(error));
  const code = (error as { code?: unknown }).code;
  if (error instanceof ClientClosedError) {
    return new TgfetchError(RedisErrorCode.Closed, 'the Redis client is closed', { cause: error });
  }
  if (
    connectionErrors.some((type) => error instanceof type) ||
    (typeof code === 'string' && connectionCodes.has(code))
  ) {
    return new TransientError(
      RedisErrorCode.Disconnected,
      `Redis connection lost: ${error.message}`,
      {
        cause: error,
      },
    );
  }
  return new TgfetchError(RedisErrorCode.Reply, `Redis replied with an error: ${error.message}`, {
    cause: error,
  });
}

export function unavailableError(outageMs: number, cause?: unknown): TgfetchError {
  return new TgfetchError(
    RedisErrorCode.Unavailable,
    `Redis has been unreachable for more than ${Math.round(outageMs / 1000)}s`,
    { retryable: false, cause },
  );
}

export function closedError(what: string): TgfetchError {
  return new TgfetchError(RedisErrorCode.Closed, `the ${what} is closed`);
}
