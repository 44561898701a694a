import {
  CORE_ERROR_CODES,
  EngineErrorCode,
  SourceErrorCode,
  StoreErrorCode,
} from './error-codes.js';
import { type ErrorCodeTable, retryableIn } from './error-table.js';

/**
 * Every error tgfetch raises or reports carries a stable string `code` (for programs) and a
 * `retryable` flag (may a later re-run succeed?). Adapters translate their libraries'
 * errors into these classes so the engine and the retry policy never see gramjs, node-redis
 * or Node's fs errors directly.
 */
export class TgfetchError extends Error {
  override name = 'TgfetchError';
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: TgfetchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** What a TgfetchError carries besides its code and message. */
export interface TgfetchErrorOptions {
  /** May a later run of the same command succeed? @default false */
  retryable?: boolean;
  cause?: unknown;
}

/** Telegram asked us to wait before the next request (FLOOD_WAIT_X). */
export class FloodWaitError extends TgfetchError {
  override name = 'FloodWaitError';
  readonly seconds: number;

  constructor(seconds: number, options: { cause?: unknown } = {}) {
    super(
      SourceErrorCode.FLOOD_WAIT,
      `Telegram asked to wait ${seconds}s before the next request`,
      { retryable: retryableIn(CORE_ERROR_CODES, SourceErrorCode.FLOOD_WAIT), ...options },
    );
    this.seconds = seconds;
  }
}

/**
 * A failure that is expected to pass: timeouts, disconnects, server-side 500s (what
 * `errorBuilder` makes for a code its table calls retryable).
 */
export class TransientError extends TgfetchError {
  override name = 'TransientError';

  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { retryable: true, ...options });
  }
}

/**
 * A failure that no retry will fix: revoked session, private channel, unknown username (what
 * `errorBuilder` makes for any other code).
 */
export class FatalError extends TgfetchError {
  override name = 'FatalError';

  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { retryable: false, ...options });
  }
}

/**
 * A chat is stored in one time zone (the zone rule): a day cut in another zone would be
 * another window of messages under the same date, so a store refuses it rather than serve,
 * skip or merge it.
 */
export class ZoneConflictError extends TgfetchError {
  override name = 'ZoneConflictError';
  readonly storedZone: string;
  readonly requestedZone: string;

  constructor(chat: string, storedZone: string, requestedZone: string) {
    super(
      StoreErrorCode.ZONE_CONFLICT,
      `${chat} is stored in time zone ${storedZone}, not ${requestedZone}: use tz ${storedZone}, or another data directory for ${requestedZone}`,
      { retryable: retryableIn(CORE_ERROR_CODES, StoreErrorCode.ZONE_CONFLICT) },
    );
    this.storedZone = storedZone;
    this.requestedZone = requestedZone;
  }
}

/**
 * A service could not be reached within its own deadline, its own reconnection attempts
 * spent (e.g. Telegram unreachable). Retryable later, so a queued command may come back, but
 * not retried within the command: another round of the same attempts would only multiply
 * the wait before the user learns that the network is down.
 */
export class UnreachableError extends TgfetchError {
  override name = 'UnreachableError';

  /** Retryable unless `options.retryable` says otherwise (an adapter passes its table's flag). */
  constructor(code: string, message: string, options: TgfetchErrorOptions = {}) {
    super(code, message, { retryable: true, ...options });
  }
}

/** The run was aborted through its AbortSignal; nothing half-done was stored. */
export class AbortError extends TgfetchError {
  override name = 'AbortError';

  constructor(message = 'The fetch was aborted') {
    super(EngineErrorCode.ABORTED, message, {
      retryable: retryableIn(CORE_ERROR_CODES, EngineErrorCode.ABORTED),
    });
  }
}

/** Wraps anything thrown that is not a TgfetchError, keeping it as `cause`. */
export function toTgfetchError(error: unknown): TgfetchError {
  if (error instanceof TgfetchError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return coreError(EngineErrorCode.UNEXPECTED, message, { cause: error });
}

/** Builds TgfetchErrors with one package's codes: a code not in its table does not compile. */
export type ErrorBuilder<Code extends string> = (
  code: Code,
  message: string,
  options?: { cause?: unknown },
) => TgfetchError;

/**
 * The builder of a package's codes, retryable as `table` says: a `TransientError` for a
 * retryable code, else a `FatalError`. E.g. `errorBuilder([...STORE_ERROR_CODES, ...own])`
 * for a store that raises the shared store codes and its own.
 */
export function errorBuilder<Code extends string>(table: ErrorCodeTable<Code>): ErrorBuilder<Code> {
  const retryable = new Map(table.map((row) => [row.code, row.retryable]));
  return (code, message, options = {}) =>
    retryable.get(code)
      ? new TransientError(code, message, options)
      : new FatalError(code, message, options);
}

/** The builder of core's own codes (`CORE_ERROR_CODES`). */
export const coreError: ErrorBuilder<(typeof CORE_ERROR_CODES)[number]['code']> =
  errorBuilder(CORE_ERROR_CODES);

/** The `{code, message, retryable}` object carried by `failed` events. */
export interface ErrorInfo {
  code: string;
  message: string;
  retryable: boolean;
}

export function errorInfo(error: unknown): ErrorInfo {
  const e = toTgfetchError(error);
  return { code: e.code, message: e.message, retryable: e.retryable };
}
