/**
 * Every stable error code of tgfetch in one table: the README's table of error codes and
 * the event schema's `error.code` are generated from it, and a test checks that each
 * package's own code constants appear here. `retryable` is what `failed` events and
 * `TgfetchError.retryable` say (may a later run of the same command succeed?).
 */

export interface ErrorCodeInfo {
  code: string;
  /** Where it comes from. */
  source: 'command' | 'engine' | 'telegram' | 'login' | 'store' | 'redis' | 'delivery' | 'producer';
  retryable: boolean;
  meaning: string;
}

const command = (code: string, meaning: string): ErrorCodeInfo => ({
  code,
  source: 'command',
  retryable: false,
  meaning,
});

export const ERROR_CODES: readonly ErrorCodeInfo[] = [
  command('PAYLOAD_TOO_LARGE', 'the command is over 64 KiB'),
  command('PAYLOAD_TOO_DEEP', 'objects or arrays nest more than 16 levels deep'),
  command('INVALID_ENCODING', 'the bytes are not UTF-8 (JSON text must be, RFC 8259)'),
  command('INVALID_JSON', 'not JSON text'),
  command(
    'INEXACT_NUMBER',
    'a JSON number a double cannot hold exactly (beyond ±(2^53−1)); send it as a string',
  ),
  command('NOT_AN_OBJECT', 'the JSON is not an object'),
  command('UNKNOWN_COMMAND', '`command` is missing or not "fetch"'),
  command('UNKNOWN_MODE', '`mode` is not date, days or range'),
  command('MISSING_FIELD', 'a required field is missing (`path` names it)'),
  command('INVALID_TYPE', 'a field has the wrong JSON type'),
  command('INVALID_CHAT', 'not a @username, t.me link or numeric id'),
  command('INVALID_DATE', 'not a real calendar date YYYY-MM-DD from 1970 on'),
  command('FUTURE_DATE', 'a date after today in the command time zone'),
  command('INVALID_RANGE', '`from` after `to`, or a range over 3660 days'),
  command('INVALID_DAYS', '`days` (or `days_back`) is not a whole number 1–3660'),
  command('INVALID_TIME_ZONE', '`options.tz` is not an IANA time zone'),
  command('INVALID_VALUE', 'any other invalid field value (strategy, limit, command_id…)'),
  {
    code: 'FLOOD_WAIT',
    source: 'telegram',
    retryable: true,
    meaning: 'Telegram asked for a longer wait than MAX_FLOOD_WAIT_SEC allows',
  },
  {
    code: 'AUTH_FAILED',
    source: 'telegram',
    retryable: false,
    meaning: 'the session is revoked or invalid: `tgfetch login` again',
  },
  {
    code: 'SESSION_IN_USE',
    source: 'telegram',
    retryable: false,
    meaning: 'the session was used by two processes at once and revoked',
  },
  {
    code: 'CHAT_PRIVATE',
    source: 'telegram',
    retryable: false,
    meaning: 'the chat exists but its history is not readable by this account',
  },
  {
    code: 'CHAT_NOT_FOUND',
    source: 'telegram',
    retryable: false,
    meaning:
      'no chat or user has this username or id (for an export source: the export holds another chat)',
  },
  {
    code: 'TAKEOUT_DELAY',
    source: 'telegram',
    retryable: false,
    meaning:
      'Telegram holds the takeout (data export) request: confirm it on another device, then run again',
  },
  {
    code: 'TAKEOUT_INVALID',
    source: 'telegram',
    retryable: false,
    meaning: 'the takeout session is invalid or was ended',
  },
  {
    code: 'TELEGRAM_REJECTED',
    source: 'telegram',
    retryable: false,
    meaning: 'Telegram refused the request (any other RPC error)',
  },
  {
    code: 'TIMEOUT',
    source: 'telegram',
    retryable: true,
    meaning: 'a request to Telegram timed out',
  },
  {
    code: 'DISCONNECTED',
    source: 'telegram',
    retryable: true,
    meaning: 'the connection to Telegram was lost',
  },
  {
    code: 'TELEGRAM_UNREACHABLE',
    source: 'telegram',
    retryable: true,
    meaning:
      'no connection to Telegram within TELEGRAM_CONNECT_TIMEOUT_MS (the message names the address tried)',
  },
  {
    code: 'TELEGRAM_INTERNAL',
    source: 'telegram',
    retryable: true,
    meaning: 'Telegram failed on its side (5xx)',
  },
  {
    code: 'HISTORY_NOT_MODIFIED',
    source: 'telegram',
    retryable: true,
    meaning:
      'Telegram answered a history page with messages.messagesNotModified (no messages) on every try: the day was not stored as complete',
  },
  {
    code: 'INVALID_PROXY',
    source: 'telegram',
    retryable: false,
    meaning:
      'TELEGRAM_PROXY is not a socks5://, socks4:// or MTProxy URL (never echoes its password or secret)',
  },
  {
    code: 'ACCOUNT_UNKNOWN',
    source: 'telegram',
    retryable: false,
    meaning: "Telegram did not return the session's own account",
  },
  {
    code: 'EXPORT_NOT_FOUND',
    source: 'telegram',
    retryable: false,
    meaning: 'no Telegram Desktop export file at the path given',
  },
  {
    code: 'EXPORT_UNREADABLE',
    source: 'telegram',
    retryable: false,
    meaning: 'the export path exists but cannot be read (a folder, no permission)',
  },
  {
    code: 'EXPORT_INVALID',
    source: 'telegram',
    retryable: false,
    meaning: 'not JSON, or not a Telegram Desktop export (the message gives the position)',
  },
  {
    code: 'EXPORT_AMBIGUOUS',
    source: 'telegram',
    retryable: false,
    meaning: 'a full export holds several chats and none was chosen',
  },
  {
    code: 'EXPORT_CHAT_NOT_FOUND',
    source: 'telegram',
    retryable: false,
    meaning: 'the chosen chat is not in the export',
  },
  {
    code: 'PHONE_CODE_INVALID',
    source: 'login',
    retryable: false,
    meaning: 'the login code was wrong 3 times',
  },
  {
    code: 'PHONE_CODE_EXPIRED',
    source: 'login',
    retryable: false,
    meaning: 'the login code expired: run `tgfetch login` again',
  },
  {
    code: 'PASSWORD_INVALID',
    source: 'login',
    retryable: false,
    meaning: 'the two-step verification password was wrong 3 times',
  },
  {
    code: 'PHONE_NUMBER_INVALID',
    source: 'login',
    retryable: false,
    meaning: 'Telegram refused the phone number',
  },
  {
    code: 'SIGN_UP_REQUIRED',
    source: 'login',
    retryable: false,
    meaning: 'the phone number has no Telegram account yet',
  },
  {
    code: 'INPUT_CLOSED',
    source: 'login',
    retryable: false,
    meaning: 'standard input ended before an answer was given',
  },
  { code: 'LOGIN_FAILED', source: 'login', retryable: false, meaning: 'Telegram made no session' },
  {
    code: 'SOURCE_CLOSED',
    source: 'telegram',
    retryable: true,
    meaning: 'the message source was closed while in use (shutdown): a later run goes on',
  },
  {
    code: 'STORE_INVALID_CHAT',
    source: 'store',
    retryable: false,
    meaning:
      'the store refused the chat it was handed (not a chat reference, or no safe folder name); the command itself was valid',
  },
  {
    code: 'STORE_INVALID_DATE',
    source: 'store',
    retryable: false,
    meaning: 'the store was handed a date that is not YYYY-MM-DD',
  },
  {
    code: 'STORE_INVALID_DAY',
    source: 'store',
    retryable: false,
    meaning:
      'the store was handed a malformed day or progress record (no messages array, a message without an integer id…)',
  },
  {
    code: 'PATH_ESCAPE',
    source: 'store',
    retryable: false,
    meaning: 'a file path would leave DATA_DIR',
  },
  {
    code: 'STORE_READ_ONLY',
    source: 'store',
    retryable: false,
    meaning: 'DATA_DIR is read-only or not permitted',
  },
  {
    code: 'STORE_FULL',
    source: 'store',
    retryable: true,
    meaning: 'no space left (or quota) on DATA_DIR',
  },
  {
    code: 'STORE_CORRUPT',
    source: 'store',
    retryable: false,
    meaning: 'a stored file is unreadable; it is left as found',
  },
  { code: 'STORE_IO', source: 'store', retryable: true, meaning: 'any other file system error' },
  {
    code: 'ZONE_CONFLICT',
    source: 'store',
    retryable: false,
    meaning:
      'the chat is stored in another time zone (one zone per chat): use that zone, or another DATA_DIR',
  },
  {
    code: 'LOCK_TIMEOUT',
    source: 'store',
    retryable: true,
    meaning: "another process held the chat's file lock too long",
  },
  {
    code: 'STORE_CLOSED',
    source: 'store',
    retryable: false,
    meaning: 'the store was closed while in use (shutdown)',
  },
  {
    code: 'PG_UNAVAILABLE',
    source: 'store',
    retryable: true,
    meaning: 'PostgreSQL refused or lost the connection, is shutting down, or timed out',
  },
  {
    code: 'PG_CONFLICT',
    source: 'store',
    retryable: true,
    meaning: 'PostgreSQL aborted a write for a serialization failure or a deadlock',
  },
  {
    code: 'PG_ERROR',
    source: 'store',
    retryable: false,
    meaning: 'any other PostgreSQL error (the SQLSTATE is in the message)',
  },
  {
    code: 'PG_SCHEMA_TOO_NEW',
    source: 'store',
    retryable: false,
    meaning: 'the database schema has a version this tgfetch does not know: upgrade tgfetch',
  },
  {
    code: 'PG_INVALID_SCHEMA',
    source: 'store',
    retryable: false,
    meaning: 'DATABASE_SCHEMA is not a plain lower-case identifier',
  },
  {
    code: 'REDIS_DISCONNECTED',
    source: 'redis',
    retryable: true,
    meaning: 'the Redis connection dropped; it reconnects',
  },
  {
    code: 'REDIS_UNAVAILABLE',
    source: 'redis',
    retryable: false,
    meaning: 'Redis unreachable past REDIS_MAX_OUTAGE_MS: the daemon exits 3',
  },
  {
    code: 'REDIS_ERROR',
    source: 'redis',
    retryable: false,
    meaning: 'Redis answered with an error reply',
  },
  {
    code: 'REDIS_CLOSED',
    source: 'redis',
    retryable: false,
    meaning: 'the queue, client or sink was closed',
  },
  {
    code: 'REDIS_AUTH',
    source: 'redis',
    retryable: false,
    meaning: 'Redis refused the credentials (NOAUTH, WRONGPASS, NOPERM): exit 2',
  },
  {
    code: 'REDIS_CONFIG',
    source: 'redis',
    retryable: false,
    meaning: 'Redis refused the set-up (no such database, a queue key of another type): exit 2',
  },
  {
    code: 'REDIS_NO_REPLY',
    source: 'redis',
    retryable: true,
    meaning: 'Redis did not answer within REDIS_REPLY_TIMEOUT_MS (a frozen or overloaded server)',
  },
  {
    code: 'CHAT_BUSY',
    source: 'delivery',
    retryable: true,
    meaning:
      'another worker holds the chat: the command goes back to the queue after a delay (never in events)',
  },
  {
    code: 'POISON_COMMAND',
    source: 'delivery',
    retryable: false,
    meaning:
      'delivered more than MAX_DELIVERIES times without finishing: moved to the dead letters',
  },
  {
    code: 'ABORTED',
    source: 'engine',
    retryable: true,
    meaning: 'the run was stopped (shutdown); nothing half-done was stored',
  },
  {
    code: 'UNEXPECTED',
    source: 'engine',
    retryable: false,
    meaning: 'an error no adapter translated (a bug: please report it)',
  },
  {
    code: 'QUEUE_FULL',
    source: 'producer',
    retryable: true,
    meaning: 'the queue already holds MAX_QUEUE_LENGTH commands: the producer refuses to push',
  },
  {
    code: 'COMMAND_TOO_LARGE',
    source: 'producer',
    retryable: false,
    meaning: 'the command covers more days than MAX_COMMAND_DAYS',
  },
  {
    code: 'WAIT_TIMEOUT',
    source: 'producer',
    retryable: true,
    meaning:
      '`run()` / `send --wait` stopped waiting for the final event; the command may still run (never in events)',
  },
];

/** The codes of `ERROR_CODES`, in table order. */
export const ERROR_CODE_NAMES: readonly string[] = ERROR_CODES.map((c) => c.code);
