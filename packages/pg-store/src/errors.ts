import {
  type ErrorBuilder,
  type ErrorCodeTable,
  errorBuilder,
  errorCodeTable,
  STORE_ERROR_CODES,
  StoreErrorCode,
  TgfetchError,
} from '@tgfetch/core';

/**
 * Stable codes of the errors this store raises. node-postgres errors never leave the store
 * raw: a lost connection or a restarting server becomes a retryable `PG_UNAVAILABLE`, so
 * the engine retries the day; a constraint or data error is not retried.
 */
export const PgStoreErrorCode = {
  ...StoreErrorCode,
  PG_INVALID_SCHEMA: 'PG_INVALID_SCHEMA',
  PG_SCHEMA_TOO_NEW: 'PG_SCHEMA_TOO_NEW',
  PG_UNAVAILABLE: 'PG_UNAVAILABLE',
  PG_CONFLICT: 'PG_CONFLICT',
  PG_ERROR: 'PG_ERROR',
  PG_INVALID_SEARCH: 'PG_INVALID_SEARCH',
} as const;

export type PgStoreErrorCode = (typeof PgStoreErrorCode)[keyof typeof PgStoreErrorCode];

/** The codes this store adds to the shared ones (core's `STORE_ERROR_CODES` lists those). */
export const PG_STORE_ERROR_CODES: ErrorCodeTable<Exclude<PgStoreErrorCode, StoreErrorCode>> =
  errorCodeTable<Exclude<PgStoreErrorCode, StoreErrorCode>>('store', {
    PG_UNAVAILABLE: {
      retryable: true,
      meaning: 'PostgreSQL refused or lost the connection, is shutting down, or timed out',
    },
    PG_CONFLICT: {
      retryable: true,
      meaning: 'PostgreSQL aborted a write for a serialization failure or a deadlock',
    },
    PG_ERROR: {
      retryable: false,
      meaning: 'any other PostgreSQL error (the SQLSTATE is in the message)',
    },
    PG_SCHEMA_TOO_NEW: {
      retryable: false,
      meaning: 'the database schema has a version this tgfetch does not know: upgrade tgfetch',
    },
    PG_INVALID_SCHEMA: {
      retryable: false,
      meaning: 'DATABASE_SCHEMA is not a plain lower-case identifier',
    },
    PG_INVALID_SEARCH: {
      retryable: false,
      meaning: 'a message search out of bounds: its limit outside 1..500, or its text too long',
    },
  });

/** Errors with this store's codes, retryable as the tables say. */
export const pgError: ErrorBuilder<PgStoreErrorCode> = errorBuilder<PgStoreErrorCode>([
  ...STORE_ERROR_CODES,
  ...PG_STORE_ERROR_CODES,
]);

/** Node's network errno codes that mean "the server is not there (now)". */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE classes that pass: connection exceptions (08), insufficient resources (53),
 * operator intervention such as a server shutting down (57), system errors (58).
 */
const TRANSIENT_CLASSES = ['08', '53', '57', '58'];

/** Maps a node-postgres failure to a TgfetchError; TgfetchErrors pass through. */
export function toPgError(error: unknown, action: string): TgfetchError {
  if (error instanceof TgfetchError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const detail = `${action}: ${text}`;
  if (typeof code === 'string' && code.length === 5) {
    if (code === '40001' || code === '40P01') {
      return pgError(PgStoreErrorCode.PG_CONFLICT, `Concurrent write, retry: ${detail}`, {
        cause: error,
      });
    }
    if (TRANSIENT_CLASSES.includes(code.slice(0, 2))) {
      return pgError(PgStoreErrorCode.PG_UNAVAILABLE, `PostgreSQL unavailable: ${detail}`, {
        cause: error,
      });
    }
    return pgError(PgStoreErrorCode.PG_ERROR, `PostgreSQL error ${code}: ${detail}`, {
      cause: error,
    });
  }
  if (
    (typeof code === 'string' && NETWORK.has(code)) ||
    /Connection terminated|timeout|Client has encountered a connection error|not queryable/i.test(
      text,
    )
  ) {
    return pgError(PgStoreErrorCode.PG_UNAVAILABLE, `PostgreSQL unavailable: ${detail}`, {
      cause: error,
    });
  }
  return pgError(PgStoreErrorCode.PG_ERROR, `PostgreSQL error: ${detail}`, { cause: error });
}
