/**
 * `@tgfetch/telegram/errors`: this package's error codes, each constant next to its table,
 * loading no gramjs (for configuration checks, prompts and documentation). The codes every
 * source shares (`FLOOD_WAIT`, `CHAT_NOT_FOUND`, `SOURCE_CLOSED`) are core's, in its table.
 */
import { type ErrorCodeTable, errorCodeTable, SourceErrorCode } from '@tgfetch/core';
import { EXPORT_ERROR_CODES, type ExportErrorCode } from './export/errors.js';

/** The stable codes of this source: the ones every source shares (core's) and its own. */
export const TelegramErrorCode = {
  ...SourceErrorCode,
  AUTH_FAILED: 'AUTH_FAILED',
  SESSION_IN_USE: 'SESSION_IN_USE',
  CHAT_PRIVATE: 'CHAT_PRIVATE',
  TAKEOUT_DELAY: 'TAKEOUT_DELAY',
  TAKEOUT_INVALID: 'TAKEOUT_INVALID',
  TELEGRAM_REJECTED: 'TELEGRAM_REJECTED',
  TIMEOUT: 'TIMEOUT',
  DISCONNECTED: 'DISCONNECTED',
  /** No connection within the connect deadline (retryable later, not within the command). */
  TELEGRAM_UNREACHABLE: 'TELEGRAM_UNREACHABLE',
  TELEGRAM_INTERNAL: 'TELEGRAM_INTERNAL',
  /** A history page answered with `messages.messagesNotModified`: no messages, not the end. */
  HISTORY_NOT_MODIFIED: 'HISTORY_NOT_MODIFIED',
  INVALID_PROXY: 'INVALID_PROXY',
  ACCOUNT_UNKNOWN: 'ACCOUNT_UNKNOWN',
} as const;
export type TelegramErrorCode = (typeof TelegramErrorCode)[keyof typeof TelegramErrorCode];

/** Why a login made no session. */
export const LoginErrorCode = {
  PHONE_CODE_INVALID: 'PHONE_CODE_INVALID',
  PHONE_CODE_EXPIRED: 'PHONE_CODE_EXPIRED',
  PASSWORD_INVALID: 'PASSWORD_INVALID',
  PHONE_NUMBER_INVALID: 'PHONE_NUMBER_INVALID',
  SIGN_UP_REQUIRED: 'SIGN_UP_REQUIRED',
  INPUT_CLOSED: 'INPUT_CLOSED',
  LOGIN_FAILED: 'LOGIN_FAILED',
} as const;
export type LoginErrorCode = (typeof LoginErrorCode)[keyof typeof LoginErrorCode];

/** The codes of `TelegramErrorCode` that are this package's own. */
export type OwnTelegramErrorCode = Exclude<TelegramErrorCode, SourceErrorCode>;

const fatal = (meaning: string) => ({ retryable: false, meaning });
const transient = (meaning: string) => ({ retryable: true, meaning });

const OWN_ERROR_CODES: ErrorCodeTable<OwnTelegramErrorCode> = errorCodeTable<OwnTelegramErrorCode>(
  'telegram',
  {
    AUTH_FAILED: fatal('the session is revoked or invalid: `tgfetch login` again'),
    SESSION_IN_USE: fatal('the session was used by two processes at once and revoked'),
    CHAT_PRIVATE: fatal('the chat exists but its history is not readable by this account'),
    TAKEOUT_DELAY: fatal(
      'Telegram holds the takeout (data export) request: confirm it on another device, then run again',
    ),
    TAKEOUT_INVALID: fatal('the takeout session is invalid or was ended'),
    TELEGRAM_REJECTED: fatal('Telegram refused the request (any other RPC error)'),
    TIMEOUT: transient('a request to Telegram timed out'),
    DISCONNECTED: transient('the connection to Telegram was lost'),
    TELEGRAM_UNREACHABLE: transient(
      'no connection to Telegram within TELEGRAM_CONNECT_TIMEOUT_MS (the message names the address tried)',
    ),
    TELEGRAM_INTERNAL: transient('Telegram failed on its side (5xx)'),
    HISTORY_NOT_MODIFIED: transient(
      'Telegram answered a history page with messages.messagesNotModified (no messages) on every try: the day was not stored as complete',
    ),
    INVALID_PROXY: fatal(
      'TELEGRAM_PROXY is not a socks5://, socks4:// or MTProxy URL (never echoes its password or secret)',
    ),
    ACCOUNT_UNKNOWN: fatal("Telegram did not return the session's own account"),
  },
);

export const LOGIN_ERROR_CODES: ErrorCodeTable<LoginErrorCode> = errorCodeTable<LoginErrorCode>(
  'login',
  {
    PHONE_CODE_INVALID: fatal('the login code was wrong 3 times'),
    PHONE_CODE_EXPIRED: fatal('the login code expired: run `tgfetch login` again'),
    PASSWORD_INVALID: fatal('the two-step verification password was wrong 3 times'),
    PHONE_NUMBER_INVALID: fatal('Telegram refused the phone number'),
    SIGN_UP_REQUIRED: fatal('the phone number has no Telegram account yet'),
    INPUT_CLOSED: fatal('standard input ended before an answer was given'),
    LOGIN_FAILED: fatal('Telegram made no session'),
  },
);

export type TelegramPackageErrorCode = OwnTelegramErrorCode | LoginErrorCode | ExportErrorCode;

/** Every code this package adds to core's: the source's, the login's, the export reader's. */
export const TELEGRAM_ERROR_CODES: ErrorCodeTable<TelegramPackageErrorCode> = [
  ...OWN_ERROR_CODES,
  ...LOGIN_ERROR_CODES,
  ...EXPORT_ERROR_CODES,
];
