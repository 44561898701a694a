import { FloodWaitError, TgfetchError, toTgfetchError } from '@tgfetch/core';
import { errors } from 'telegram';
import { tgError } from './error-builders.js';
import { TelegramErrorCode } from './error-codes.js';

const AUTH = new Set([
  'AUTH_KEY_UNREGISTERED',
  'AUTH_KEY_INVALID',
  'SESSION_REVOKED',
  'SESSION_EXPIRED',
  'USER_DEACTIVATED',
  'USER_DEACTIVATED_BAN',
]);
const PRIVATE = new Set(['CHANNEL_PRIVATE', 'CHAT_FORBIDDEN', 'CHANNEL_PUBLIC_GROUP_NA']);
const NOT_FOUND = new Set([
  'CHANNEL_INVALID',
  'PEER_ID_INVALID',
  'CHAT_ID_INVALID',
  'USERNAME_INVALID',
  'USERNAME_NOT_OCCUPIED',
]);
const INTERNAL = new Set([
  'INTERNAL',
  'RPC_CALL_FAIL',
  'RPC_MCGET_FAIL',
  'WORKER_BUSY_TOO_LONG_RETRY',
]);
const NO_USERNAME = /^No user has "(.*)" as username$/;
const TIMEOUT = /\bTIMEOUT\b|timed? ?out|ETIMEDOUT/i;
const DISCONNECT =
  /not connected|connection closed|disconnected|reconnection retries|socket|ECONNRESET|ECONNREFUSED|EPIPE|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH/i;

export interface TranslateContext {
  /** The chat being fetched, named in messages about it. */
  chat?: string;
}

/**
 * Translates whatever gramjs (or the network under it) threw into core's error classes, so
 * the engine's retry policy never sees a gramjs type: flood waits keep their seconds, every
 * other failure gets a stable code, retryable as the code's table says.
 */
export function translateTelegramError(
  error: unknown,
  context: TranslateContext = {},
): TgfetchError {
  if (error instanceof TgfetchError) return error;
  const chat = context.chat ?? 'the chat';
  if (error instanceof errors.FloodWaitError || error instanceof errors.FloodTestPhoneWaitError) {
    return new FloodWaitError(error.seconds, { cause: error });
  }
  if (error instanceof errors.RPCError) return translateRpc(error, chat);
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const username = NO_USERNAME.exec(message);
  if (username) {
    return tgError(
      TelegramErrorCode.CHAT_NOT_FOUND,
      `No Telegram chat or user is called @${username[1]}`,
      { cause: error },
    );
  }
  if (/Request was unsuccessful \d+ time/.test(message)) {
    return tgError(TelegramErrorCode.TELEGRAM_INTERNAL, 'Telegram kept failing the request', {
      cause: error,
    });
  }
  if (code === 'ETIMEDOUT' || TIMEOUT.test(message)) {
    return tgError(TelegramErrorCode.TIMEOUT, 'The request to Telegram timed out', {
      cause: error,
    });
  }
  if ((typeof code === 'string' && DISCONNECT.test(code)) || DISCONNECT.test(message)) {
    return tgError(
      TelegramErrorCode.DISCONNECTED,
      `The connection to Telegram was lost: ${message}`,
      { cause: error },
    );
  }
  return toTgfetchError(error);
}

function translateRpc(error: errors.RPCError, chat: string): TgfetchError {
  const name = error.errorMessage;
  const code = error.code ?? 0;
  const options = { cause: error };
  if (AUTH.has(name) || code === 401) {
    return tgError(
      TelegramErrorCode.AUTH_FAILED,
      `Telegram no longer accepts this session (${name}): re-run \`tgfetch login\` to make a new one`,
      options,
    );
  }
  if (name === 'AUTH_KEY_DUPLICATED') {
    return tgError(
      TelegramErrorCode.SESSION_IN_USE,
      'Telegram saw this session used by two processes at once (AUTH_KEY_DUPLICATED) and revoked it: give each worker its own session and re-run `tgfetch login`',
      options,
    );
  }
  if (PRIVATE.has(name)) {
    return tgError(
      TelegramErrorCode.CHAT_PRIVATE,
      `${chat} is private or this account was banned from it (${name})`,
      options,
    );
  }
  if (NOT_FOUND.has(name)) {
    return tgError(
      TelegramErrorCode.CHAT_NOT_FOUND,
      `Telegram does not know ${chat} (${name})`,
      options,
    );
  }
  const takeout = /^TAKEOUT_INIT_DELAY_(\d+)$/.exec(name);
  if (takeout) {
    return tgError(
      TelegramErrorCode.TAKEOUT_DELAY,
      `Telegram waits for you to allow the data export (takeout): open Telegram on another device logged in to this account and allow it in the message from Telegram, then run again. Unconfirmed, Telegram allows it only after ${humanDuration(Number(takeout[1]))}; or set TELEGRAM_TAKEOUT=false to fetch without a takeout`,
      options,
    );
  }
  if (name === 'TAKEOUT_INVALID' || name === 'TAKEOUT_REQUIRED') {
    return tgError(
      TelegramErrorCode.TAKEOUT_INVALID,
      `The takeout session is not valid (${name})`,
      options,
    );
  }
  if (INTERNAL.has(name) || code === 500 || code === -500) {
    return tgError(
      TelegramErrorCode.TELEGRAM_INTERNAL,
      `Telegram had an internal error (${name})`,
      options,
    );
  }
  if (code === 503 || code === -503 || /^TIMEOUT$/i.test(name)) {
    return tgError(TelegramErrorCode.TIMEOUT, `Telegram timed out (${name})`, options);
  }
  return tgError(
    TelegramErrorCode.TELEGRAM_REJECTED,
    `Telegram rejected the request: ${code} ${name}`,
    options,
  );
}

/** 86400 → "24 hours", 90 → "2 minutes": how long a person is asked to wait. */
function humanDuration(seconds: number): string {
  const unit = (n: number, name: string) => `${n} ${name}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return unit(seconds, 'second');
  if (seconds < 3600) return unit(Math.ceil(seconds / 60), 'minute');
  return unit(Math.ceil(seconds / 3600), 'hour');
}
