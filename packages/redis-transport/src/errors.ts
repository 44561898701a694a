import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from '@redis/client';
import {
  type ErrorBuilder,
  type ErrorCodeTable,
  errorBuilder,
  errorCodeTable,
  TgfetchError,
} from '@tgfetch/core';

/** Stable codes this package raises. */
export const RedisErrorCode = {
  /** The connection dropped; node-redis reconnects, a retry may succeed. */
  REDIS_DISCONNECTED: 'REDIS_DISCONNECTED',
  /** Redis stayed unreachable longer than `maxOutageMs`: time to exit and be restarted. */
  REDIS_UNAVAILABLE: 'REDIS_UNAVAILABLE',
  /** Redis answered with an error reply (wrong type, NOAUTH, NOSCRIPT…). */
  REDIS_ERROR: 'REDIS_ERROR',
  /** The queue, client or sink was closed. */
  REDIS_CLOSED: 'REDIS_CLOSED',
  /** `run()` gave up waiting for the final event (the command may still run). Not Telegram's `TIMEOUT`. */
  WAIT_TIMEOUT: 'WAIT_TIMEOUT',
  /** Redis refused our credentials (NOAUTH, WRONGPASS, NOPERM): retrying cannot help. */
  REDIS_AUTH: 'REDIS_AUTH',
  /** Redis refused our setup (no such database, a queue key of another type): fix the configuration. */
  REDIS_CONFIG: 'REDIS_CONFIG',
  /** Redis did not answer within its deadline (a frozen or overloaded server). */
  REDIS_NO_REPLY: 'REDIS_NO_REPLY',
  /** Redis answered that it cannot serve yet (LOADING its data after a restart, BUSY with a script). */
  REDIS_LOADING: 'REDIS_LOADING',
  /** The queue holds `maxQueueLength` commands already: the producer must wait. */
  QUEUE_FULL: 'QUEUE_FULL',
  /** The command covers more days than `maxCommandDays`. */
  COMMAND_TOO_LARGE: 'COMMAND_TOO_LARGE',
} as const;
export type RedisErrorCode = (typeof RedisErrorCode)[keyof typeof RedisErrorCode];

/**
 * Why the messages-stream reader moved an entry to `<stream>:dead`: the dead letter's
 * `reason` starts with the code.
 */
export const MessagesStreamErrorCode = {
  /** Not an entry of the format (not JSON, no chat, an unknown change, over 1 MB…). */
  INVALID_ENTRY: 'INVALID_ENTRY',
  /** Handed out more than `maxDeliveries` times without being settled. */
  MAX_DELIVERIES: 'MAX_DELIVERIES',
} as const;
export type MessagesStreamErrorCode =
  (typeof MessagesStreamErrorCode)[keyof typeof MessagesStreamErrorCode];

/** Why the follow set (`createFollowSet`) refused a call. */
export const FollowErrorCode = {
  /** Not a chat reference (`@username`, a t.me link or a numeric id). */
  FOLLOW_INVALID_CHAT: 'FOLLOW_INVALID_CHAT',
  /** An account that is empty, too long or not letters, digits, `.`, `_` and `-`. */
  FOLLOW_INVALID_ACCOUNT: 'FOLLOW_INVALID_ACCOUNT',
  /** The set holds `maxChats` chats already: the chat is not added. */
  FOLLOW_SET_FULL: 'FOLLOW_SET_FULL',
  /** The set holds more than `maxChats` chats (written by something else): it is not read. */
  FOLLOW_SET_TOO_LARGE: 'FOLLOW_SET_TOO_LARGE',
} as const;
export type FollowErrorCode = (typeof FollowErrorCode)[keyof typeof FollowErrorCode];

/** Why the Redis resume store (`createRedisResumeStore`) refused a call. */
export const ResumeErrorCode = {
  /** A key that is empty, too long or holds other characters than the safe ones. */
  RESUME_INVALID_KEY: 'RESUME_INVALID_KEY',
  /** A point over `maxBytes` of JSON. */
  RESUME_TOO_LARGE: 'RESUME_TOO_LARGE',
  /** A point that is not a JSON object, to save or as stored. */
  RESUME_INVALID_POINT: 'RESUME_INVALID_POINT',
} as const;
export type ResumeErrorCode = (typeof ResumeErrorCode)[keyof typeof ResumeErrorCode];

/** Why the schedule store (`createRedisSchedules`) refused a call. */
export const ScheduleStoreErrorCode = {
  /** No schedule has that name. */
  SCHEDULE_NOT_FOUND: 'SCHEDULE_NOT_FOUND',
  /** A different schedule of that name exists (add it with `replace`). */
  SCHEDULE_EXISTS: 'SCHEDULE_EXISTS',
  /** The store holds `maxSchedules` schedules already. */
  SCHEDULE_LIMIT: 'SCHEDULE_LIMIT',
  /** A stored schedule no longer reads (changed by hand, or by another version). */
  SCHEDULE_CORRUPT: 'SCHEDULE_CORRUPT',
  /** The schedule kept changing while it was resumed: try again. */
  SCHEDULE_CHANGED: 'SCHEDULE_CHANGED',
} as const;
export type ScheduleStoreErrorCode =
  (typeof ScheduleStoreErrorCode)[keyof typeof ScheduleStoreErrorCode];

type Code =
  | RedisErrorCode
  | ScheduleStoreErrorCode
  | MessagesStreamErrorCode
  | FollowErrorCode
  | ResumeErrorCode;

/**
 * The table of this package's codes: the connection's (`redis`), the producer's, the
 * schedule store's, the messages stream's, the follow set's and the resume store's.
 */
export const REDIS_ERROR_CODES: ErrorCodeTable<Code> = errorCodeTable<Code>('redis', {
  REDIS_DISCONNECTED: {
    retryable: true,
    meaning: 'the Redis connection dropped; it reconnects',
  },
  REDIS_UNAVAILABLE: {
    retryable: false,
    meaning: 'Redis unreachable past REDIS_MAX_OUTAGE_MS: the daemon exits 3',
  },
  REDIS_ERROR: { retryable: false, meaning: 'Redis answered with an error reply' },
  REDIS_CLOSED: { retryable: false, meaning: 'the queue, client or sink was closed' },
  REDIS_AUTH: {
    retryable: false,
    meaning: 'Redis refused the credentials (NOAUTH, WRONGPASS, NOPERM): exit 2',
  },
  REDIS_CONFIG: {
    retryable: false,
    meaning: 'Redis refused the set-up (no such database, a queue key of another type): exit 2',
  },
  REDIS_NO_REPLY: {
    retryable: true,
    meaning: 'Redis did not answer within REDIS_REPLY_TIMEOUT_MS (a frozen or overloaded server)',
  },
  REDIS_LOADING: {
    retryable: true,
    meaning:
      'Redis answered that it cannot serve yet (LOADING its data after a restart, BUSY with a long script, MASTERDOWN): retried; past REDIS_MAX_OUTAGE_MS the daemon exits 3',
  },
  QUEUE_FULL: {
    origin: 'producer',
    retryable: true,
    meaning: 'the queue already holds MAX_QUEUE_LENGTH commands: the producer refuses to push',
  },
  COMMAND_TOO_LARGE: {
    origin: 'producer',
    retryable: false,
    meaning: 'the command covers more days than MAX_COMMAND_DAYS',
  },
  WAIT_TIMEOUT: {
    origin: 'producer',
    retryable: true,
    meaning:
      '`run()` / `send --wait` stopped waiting for the final event; the command may still run (never in events)',
  },
  SCHEDULE_NOT_FOUND: {
    origin: 'schedules',
    retryable: false,
    meaning: 'no schedule has that name',
  },
  SCHEDULE_EXISTS: {
    origin: 'schedules',
    retryable: false,
    meaning: 'another schedule of that name exists: add it with replace (`"replace": true`)',
  },
  SCHEDULE_LIMIT: {
    origin: 'schedules',
    retryable: false,
    meaning: 'the store holds MAX_SCHEDULES schedules already: remove one first',
  },
  SCHEDULE_CORRUPT: {
    origin: 'schedules',
    retryable: false,
    meaning: 'a stored schedule does not read (changed by hand?): remove it and add it again',
  },
  SCHEDULE_CHANGED: {
    origin: 'schedules',
    retryable: true,
    meaning: 'the schedule kept changing while it was resumed: try again',
  },
  INVALID_ENTRY: {
    origin: 'messages-stream',
    retryable: false,
    meaning:
      'a messages-stream entry that does not decode (not JSON, no chat, an unknown change, over 1 MB): moved to `<stream>:dead` (never in events)',
  },
  MAX_DELIVERIES: {
    origin: 'messages-stream',
    retryable: false,
    meaning:
      'a messages-stream entry handed out more than MAX_DELIVERIES times without being stored: moved to `<stream>:dead` (never in events)',
  },
  FOLLOW_INVALID_CHAT: {
    origin: 'follow',
    retryable: false,
    meaning: 'the chat to follow or unfollow is not a @username, t.me link or numeric id',
  },
  FOLLOW_INVALID_ACCOUNT: {
    origin: 'follow',
    retryable: false,
    meaning:
      'the account of a follow set is empty, over 64 characters, or not letters, digits, `.`, `_` and `-`',
  },
  FOLLOW_SET_FULL: {
    origin: 'follow',
    retryable: false,
    meaning:
      'the account follows as many chats as its follow set holds (1,000 unless configured): unfollow one first',
  },
  FOLLOW_SET_TOO_LARGE: {
    origin: 'follow',
    retryable: false,
    meaning:
      'the follow set holds more chats than it may (written by something else): it is not read until trimmed',
  },
  RESUME_INVALID_KEY: {
    origin: 'resume',
    retryable: false,
    meaning:
      'a resume key that is empty, over 200 characters, or holds characters other than letters, digits and . _ : @ + -',
  },
  RESUME_TOO_LARGE: {
    origin: 'resume',
    retryable: false,
    meaning: 'a resume point over its store’s maximum size of JSON (1 MiB unless configured)',
  },
  RESUME_INVALID_POINT: {
    origin: 'resume',
    retryable: false,
    meaning: 'a resume point that is not a JSON object, to save or as found stored',
  },
});

/** Errors with this package's codes, retryable as its table says. */
export const redisError: ErrorBuilder<Code> = errorBuilder(REDIS_ERROR_CODES);

/** Replies that mean our credentials are refused, by their first word or prefix. */
const authReplies = [
  'NOAUTH',
  'WRONGPASS',
  'NOPERM',
  'ERR AUTH',
  'ERR invalid password',
  'ERR Client sent AUTH',
];
/** Replies that mean our setup is wrong (database number, a key of another type). */
const configReplies = [
  'ERR DB index is out of range',
  'ERR invalid DB index',
  'WRONGTYPE',
  'ERR SELECT',
];

/**
 * A reply that no retry can fix (refused credentials, a bad database number, a queue key of
 * another type), as a non-retryable `REDIS_AUTH` / `REDIS_CONFIG` error; else undefined.
 */
export function configurationError(error: unknown, where?: string): TgfetchError | undefined {
  if (error instanceof TgfetchError) {
    return error.code === RedisErrorCode.REDIS_AUTH || error.code === RedisErrorCode.REDIS_CONFIG
      ? error
      : undefined;
  }
  if (!(error instanceof Error)) return undefined;
  const at = where ? ` (${where})` : '';
  if (authReplies.some((p) => error.message.startsWith(p))) {
    return redisError(
      RedisErrorCode.REDIS_AUTH,
      `Redis refused the credentials${at}: ${firstLine(error.message)}; check REDIS_URL / REDIS_PASSWORD`,
      { cause: error },
    );
  }
  if (configReplies.some((p) => error.message.startsWith(p))) {
    return redisError(
      RedisErrorCode.REDIS_CONFIG,
      `Redis refused the configuration${at}: ${firstLine(error.message)}`,
      { cause: error },
    );
  }
  return undefined;
}

/**
 * Replies of a server that is up but cannot serve for now, by their first word: loading its
 * AOF or RDB after a restart, running a script past busy-reply-threshold, a replica cut off
 * from its master, a cluster slot moving. They pass by themselves; BUSYGROUP or BUSYKEY,
 * READONLY (a replica: a restart finds the master), OOM (nothing drains while we wait) do not.
 */
const notServingWords = new Set(['LOADING', 'BUSY', 'MASTERDOWN', 'TRYAGAIN']);

function notServing(message: string): boolean {
  return notServingWords.has(message.split(' ', 1)[0] ?? '');
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200);
}

const connectionErrors = [
  // What node-redis rejects a command with when it could not be sent within its command
  // timeout (5 s by default, off on our own clients; a client passed in may still have it),
  // i.e. while the connection is down: a disconnect, not a reply.
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
export function toRedisError(error: unknown, where?: string): TgfetchError {
  if (error instanceof TgfetchError) return error;
  if (!(error instanceof Error)) return redisError(RedisErrorCode.REDIS_ERROR, String(error));
  const refused = configurationError(error, where);
  if (refused) return refused;
  const code = (error as { code?: unknown }).code;
  if (error instanceof ClientClosedError) {
    return redisError(RedisErrorCode.REDIS_CLOSED, 'the Redis client is closed', {
      cause: error,
    });
  }
  if (
    connectionErrors.some((type) => error instanceof type) ||
    (typeof code === 'string' && connectionCodes.has(code))
  ) {
    // Node's own messages name the address already ("connect ECONNREFUSED 127.0.0.1:6379").
    const at = where && !error.message.includes(where) ? ` (${where})` : '';
    return redisError(
      RedisErrorCode.REDIS_DISCONNECTED,
      `Redis connection lost${at}: ${error.message || error.name}`,
      { cause: error },
    );
  }
  if (notServing(error.message)) {
    return redisError(
      RedisErrorCode.REDIS_LOADING,
      `Redis cannot serve yet${where ? ` (${where})` : ''}: ${firstLine(error.message)}`,
      { cause: error },
    );
  }
  return redisError(RedisErrorCode.REDIS_ERROR, `Redis replied with an error: ${error.message}`, {
    cause: error,
  });
}

export function unavailableError(outageMs: number, cause?: unknown, where?: string): TgfetchError {
  const at = where ? ` at ${where}` : '';
  const why =
    cause instanceof Error && cause.message ? ` (last error: ${firstLine(cause.message)})` : '';
  return redisError(
    RedisErrorCode.REDIS_UNAVAILABLE,
    `Redis${at} has been unreachable or silent for more than ${Math.round(outageMs / 1000)}s${why}`,
    { cause },
  );
}

export function closedError(what: string): TgfetchError {
  return redisError(RedisErrorCode.REDIS_CLOSED, `the ${what} is closed`);
}
