/**
 * Core's own error codes, each constant next to its table: the parser's, the ones every
 * source and every store raises for the same reasons, the queue-driven work's and the
 * engine's. Adapter packages export their own tables beside their own constants; the tgfetch
 * daemon concatenates them all for its documentation.
 */
import { type ErrorCodeTable, errorCodeTable } from './error-table.js';

/** Stable codes of rejected commands (`parseWireCommand`, `parseCommand`, the worker). */
export const CommandErrorCode = {
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  PAYLOAD_TOO_DEEP: 'PAYLOAD_TOO_DEEP',
  INVALID_ENCODING: 'INVALID_ENCODING',
  INVALID_JSON: 'INVALID_JSON',
  INEXACT_NUMBER: 'INEXACT_NUMBER',
  NOT_AN_OBJECT: 'NOT_AN_OBJECT',
  UNKNOWN_COMMAND: 'UNKNOWN_COMMAND',
  COMMAND_UNSUPPORTED: 'COMMAND_UNSUPPORTED',
  UNKNOWN_MODE: 'UNKNOWN_MODE',
  MISSING_FIELD: 'MISSING_FIELD',
  INVALID_TYPE: 'INVALID_TYPE',
  INVALID_CHAT: 'INVALID_CHAT',
  INVALID_DATE: 'INVALID_DATE',
  FUTURE_DATE: 'FUTURE_DATE',
  INVALID_RANGE: 'INVALID_RANGE',
  INVALID_DAYS: 'INVALID_DAYS',
  INVALID_TIME_ZONE: 'INVALID_TIME_ZONE',
  INVALID_VALUE: 'INVALID_VALUE',
} as const;
export type CommandErrorCode = (typeof CommandErrorCode)[keyof typeof CommandErrorCode];

const refused = (meaning: string) => ({ retryable: false, meaning });

export const COMMAND_ERROR_CODES: ErrorCodeTable<CommandErrorCode> =
  errorCodeTable<CommandErrorCode>('command', {
    PAYLOAD_TOO_LARGE: refused('the command is over 64 KiB'),
    PAYLOAD_TOO_DEEP: refused('objects or arrays nest more than 16 levels deep'),
    INVALID_ENCODING: refused('the bytes are not UTF-8 (JSON text must be, RFC 8259)'),
    INVALID_JSON: refused('not JSON text'),
    INEXACT_NUMBER: refused(
      'a JSON number a double cannot hold exactly (beyond ±(2^53−1)); send it as a string',
    ),
    NOT_AN_OBJECT: refused('the JSON is not an object'),
    UNKNOWN_COMMAND: refused('`command` is missing or not fetch, follow or unfollow'),
    COMMAND_UNSUPPORTED: refused(
      'a valid command that this worker or call does not run (follow or unfollow where only fetch is taken)',
    ),
    UNKNOWN_MODE: refused('`mode` is not date, days or range'),
    MISSING_FIELD: refused('a required field is missing (`path` names it)'),
    INVALID_TYPE: refused('a field has the wrong JSON type'),
    INVALID_CHAT: refused('not a @username, t.me link or numeric id'),
    INVALID_DATE: refused('not a real calendar date YYYY-MM-DD from 1970 on'),
    FUTURE_DATE: refused('a date after today in the command time zone'),
    INVALID_RANGE: refused('`from` after `to`, or a range over 3660 days'),
    INVALID_DAYS: refused('`days` (or `days_back`) is not a whole number 1–3660'),
    INVALID_TIME_ZONE: refused('`options.tz` is not an IANA time zone'),
    INVALID_VALUE: refused('any other invalid field value (strategy, limit, command_id…)'),
  });

/** The codes every message source raises for the same reasons; a source's own table adds to them. */
export const SourceErrorCode = {
  /** Telegram asked for a pause (`FloodWaitError`, with its seconds). */
  FLOOD_WAIT: 'FLOOD_WAIT',
  /** The source has no such chat. */
  CHAT_NOT_FOUND: 'CHAT_NOT_FOUND',
  /** The source was closed while in use. */
  SOURCE_CLOSED: 'SOURCE_CLOSED',
} as const;
export type SourceErrorCode = (typeof SourceErrorCode)[keyof typeof SourceErrorCode];

export const SOURCE_ERROR_CODES: ErrorCodeTable<SourceErrorCode> = errorCodeTable<SourceErrorCode>(
  'source',
  {
    FLOOD_WAIT: {
      retryable: true,
      meaning: 'Telegram asked for a longer wait than MAX_FLOOD_WAIT_SEC allows',
    },
    CHAT_NOT_FOUND: {
      retryable: false,
      meaning:
        'no chat or user has this username or id (for a source of one chat, such as an export: it holds another chat)',
    },
    SOURCE_CLOSED: {
      retryable: true,
      meaning: 'the message source was closed while in use (shutdown): a later run goes on',
    },
  },
);

/**
 * The codes every store raises for the same reasons, whatever it stores in: input the store
 * refuses (`STORE_`-prefixed, so that a chat or date that reached a store invalid is not
 * mistaken for a command refused by the parser, `INVALID_CHAT`), the zone rule
 * (`ZoneConflictError`) and use after close. Each store's own constant spreads these and adds
 * its own codes, which its own table lists.
 */
export const StoreErrorCode = {
  STORE_INVALID_CHAT: 'STORE_INVALID_CHAT',
  STORE_INVALID_DATE: 'STORE_INVALID_DATE',
  STORE_INVALID_DAY: 'STORE_INVALID_DAY',
  ZONE_CONFLICT: 'ZONE_CONFLICT',
  STORE_CLOSED: 'STORE_CLOSED',
} as const;
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

export const STORE_ERROR_CODES: ErrorCodeTable<StoreErrorCode> = errorCodeTable<StoreErrorCode>(
  'store',
  {
    STORE_INVALID_CHAT: refused(
      'the store refused the chat it was handed (not a chat reference, or no safe folder name); the command itself was valid',
    ),
    STORE_INVALID_DATE: refused('the store was handed a date that is not YYYY-MM-DD'),
    STORE_INVALID_DAY: refused(
      'the store was handed a malformed day or progress record (no messages array, a message without an integer id…)',
    ),
    ZONE_CONFLICT: refused(
      'the chat is stored in another time zone (one zone per chat): use that zone, or another DATA_DIR',
    ),
    STORE_CLOSED: refused('the store was closed while in use (shutdown)'),
  },
);

/** Stable codes of rejected schedules and schedule commands (`parseSchedule`, `parseScheduleCommand`). */
export const ScheduleErrorCode = {
  SCHEDULE_TOO_LARGE: 'SCHEDULE_TOO_LARGE',
  SCHEDULE_NOT_JSON: 'SCHEDULE_NOT_JSON',
  SCHEDULE_UNKNOWN_ACTION: 'SCHEDULE_UNKNOWN_ACTION',
  SCHEDULE_MISSING_FIELD: 'SCHEDULE_MISSING_FIELD',
  SCHEDULE_INVALID_NAME: 'SCHEDULE_INVALID_NAME',
  SCHEDULE_INVALID_CHATS: 'SCHEDULE_INVALID_CHATS',
  SCHEDULE_INVALID_DAYS: 'SCHEDULE_INVALID_DAYS',
  SCHEDULE_INVALID_TRIGGER: 'SCHEDULE_INVALID_TRIGGER',
  SCHEDULE_INVALID_EVERY: 'SCHEDULE_INVALID_EVERY',
  SCHEDULE_INVALID_CRON: 'SCHEDULE_INVALID_CRON',
  SCHEDULE_INVALID_TIME_ZONE: 'SCHEDULE_INVALID_TIME_ZONE',
  SCHEDULE_INVALID_FIELD: 'SCHEDULE_INVALID_FIELD',
} as const;
export type ScheduleErrorCode = (typeof ScheduleErrorCode)[keyof typeof ScheduleErrorCode];

export const SCHEDULE_ERROR_CODES: ErrorCodeTable<ScheduleErrorCode> =
  errorCodeTable<ScheduleErrorCode>('schedule', {
    SCHEDULE_TOO_LARGE: refused(
      'the schedule command is over 64 KiB or nests more than 16 levels deep',
    ),
    SCHEDULE_NOT_JSON: refused('the schedule command is not a JSON object in UTF-8'),
    SCHEDULE_UNKNOWN_ACTION: refused('`action` is missing or not add, pause, resume or remove'),
    SCHEDULE_MISSING_FIELD: refused(
      'a required field of the schedule is missing (`path` names it)',
    ),
    SCHEDULE_INVALID_NAME: refused(
      'the name is not 1–64 of letters, digits, `_`, `.` and `-`, starting with a letter or digit',
    ),
    SCHEDULE_INVALID_CHATS: refused(
      '`chat` / `chats`: not a chat, none, both, a duplicate, or more than 100',
    ),
    SCHEDULE_INVALID_DAYS: refused(
      '`days` is not a whole number 1–366 nor "since_last_run", or `max_days` is not 1–366',
    ),
    SCHEDULE_INVALID_TRIGGER: refused('the schedule has both or neither of `every` and `cron`'),
    SCHEDULE_INVALID_EVERY: refused(
      '`every` is not a duration of whole seconds from 1s to 366d ("90s", "15m", "1h30m", or seconds as a number)',
    ),
    SCHEDULE_INVALID_CRON: refused(
      '`cron` is not a 5- or 6-field cron pattern, or it never fires within 5 years',
    ),
    SCHEDULE_INVALID_TIME_ZONE: refused('`tz` or `options.tz` is not an IANA time zone'),
    SCHEDULE_INVALID_FIELD: refused(
      'any other field of the schedule has a wrong type or value (options, strategy, limit, paused, command_id…)',
    ),
  });

/** Stable codes of queue-driven work (the worker and its dead letters). */
export const DeliveryErrorCode = {
  /** The chat's lock is held by another worker: the command goes back after a delay. */
  CHAT_BUSY: 'CHAT_BUSY',
  /** A command was delivered more than `maxDeliveries` times: it was dead-lettered. */
  POISON_COMMAND: 'POISON_COMMAND',
} as const;
export type DeliveryErrorCode = (typeof DeliveryErrorCode)[keyof typeof DeliveryErrorCode];

export const DELIVERY_ERROR_CODES: ErrorCodeTable<DeliveryErrorCode> =
  errorCodeTable<DeliveryErrorCode>('delivery', {
    CHAT_BUSY: {
      retryable: true,
      meaning:
        'another worker holds the chat: the command goes back to the queue after a delay (never in events)',
    },
    POISON_COMMAND: refused(
      'delivered more than MAX_DELIVERIES times without finishing: moved to the dead letters',
    ),
  });

/** Stable codes of the engine itself. */
export const EngineErrorCode = {
  /** The run was aborted through its signal (`AbortError`). */
  ABORTED: 'ABORTED',
  /** Something was thrown that no adapter translated (`toTgfetchError`). */
  UNEXPECTED: 'UNEXPECTED',
} as const;
export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode];

export const ENGINE_ERROR_CODES: ErrorCodeTable<EngineErrorCode> = errorCodeTable<EngineErrorCode>(
  'engine',
  {
    ABORTED: {
      retryable: true,
      meaning: 'the run was stopped (shutdown); nothing half-done was stored',
    },
    UNEXPECTED: refused('an error no adapter translated (a bug: please report it)'),
  },
);

/** Stable codes of leases (`Leases`, `keepLease`, `holdLeases`), whatever store keeps them. */
export const LeaseErrorCode = {
  /** A lease name that is empty, too long or holds other characters than the safe ones. */
  LEASE_INVALID_NAME: 'LEASE_INVALID_NAME',
  /** A lease lifetime (or renewal interval) that is not a whole number of ms in bounds. */
  LEASE_INVALID_TTL: 'LEASE_INVALID_TTL',
  /** The lease store did not answer an acquire or renewal within its deadline. */
  LEASE_NO_REPLY: 'LEASE_NO_REPLY',
} as const;
export type LeaseErrorCode = (typeof LeaseErrorCode)[keyof typeof LeaseErrorCode];

export const LEASE_ERROR_CODES: ErrorCodeTable<LeaseErrorCode> = errorCodeTable<LeaseErrorCode>(
  'lease',
  {
    LEASE_INVALID_NAME: refused(
      'a lease name that is empty, over 200 characters, or holds characters other than letters, digits and . _ : @ + - (never in events)',
    ),
    LEASE_INVALID_TTL: refused(
      'a lease lifetime or renewal interval that is not a whole number of ms from 10 ms to 24 h (never in events)',
    ),
    LEASE_NO_REPLY: {
      retryable: true,
      meaning:
        'the lease store did not answer an acquire or renewal in time: tried again, the lease counts as lost once its lifetime is over (never in events)',
    },
  },
);

export type CoreErrorCode =
  | CommandErrorCode
  | SourceErrorCode
  | StoreErrorCode
  | DeliveryErrorCode
  | EngineErrorCode
  | LeaseErrorCode
  | ScheduleErrorCode;

/** Every code core itself defines, in the order its documentation lists them. */
export const CORE_ERROR_CODES: ErrorCodeTable<CoreErrorCode> = [
  ...COMMAND_ERROR_CODES,
  ...SOURCE_ERROR_CODES,
  ...STORE_ERROR_CODES,
  ...DELIVERY_ERROR_CODES,
  ...ENGINE_ERROR_CODES,
  ...LEASE_ERROR_CODES,
  ...SCHEDULE_ERROR_CODES,
];
