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
 * Stable codes of the errors this store raises. Node's fs errors never leave the store
 * raw: they are translated here so that the engine and its callers can tell "the disk is
 * full, try later" from "this directory is read-only" without knowing errno names.
 * Input the store refuses has the `STORE_`-prefixed codes every store shares (core's
 * `StoreErrorCode`), not the parser's `INVALID_CHAT`.
 */
export const FsStoreErrorCode = {
  ...StoreErrorCode,
  PATH_ESCAPE: 'PATH_ESCAPE',
  STORE_READ_ONLY: 'STORE_READ_ONLY',
  STORE_FULL: 'STORE_FULL',
  STORE_CORRUPT: 'STORE_CORRUPT',
  STORE_IO: 'STORE_IO',
  LOCK_TIMEOUT: 'LOCK_TIMEOUT',
} as const;

export type FsStoreErrorCode = (typeof FsStoreErrorCode)[keyof typeof FsStoreErrorCode];

/** The codes this store adds to the shared ones (core's `STORE_ERROR_CODES` lists those). */
export const FS_STORE_ERROR_CODES: ErrorCodeTable<Exclude<FsStoreErrorCode, StoreErrorCode>> =
  errorCodeTable<Exclude<FsStoreErrorCode, StoreErrorCode>>('store', {
    PATH_ESCAPE: { retryable: false, meaning: 'a file path would leave DATA_DIR' },
    STORE_READ_ONLY: { retryable: false, meaning: 'DATA_DIR is read-only or not permitted' },
    // A re-run after space is freed succeeds, and nothing was half-written.
    STORE_FULL: { retryable: true, meaning: 'no space left (or quota) on DATA_DIR' },
    STORE_CORRUPT: {
      retryable: false,
      meaning: 'a stored file is unreadable; it is left as found',
    },
    STORE_IO: { retryable: true, meaning: 'any other file system error' },
    LOCK_TIMEOUT: {
      retryable: true,
      meaning: "another process held the chat's file lock too long",
    },
  });

/** Errors with this store's codes, retryable as the tables say. */
export const storeError: ErrorBuilder<FsStoreErrorCode> = errorBuilder<FsStoreErrorCode>([
  ...STORE_ERROR_CODES,
  ...FS_STORE_ERROR_CODES,
]);

/** The errno code of a Node fs error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Maps an fs failure to a TgfetchError. Errors that already are TgfetchErrors pass
 * through, so a whole operation can be wrapped once.
 */
export function fromFsError(error: unknown, action: string, file: string): TgfetchError {
  if (error instanceof TgfetchError) return error;
  const errno = errnoCode(error);
  const detail = `${action} ${file}: ${error instanceof Error ? error.message : String(error)}`;
  switch (errno) {
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return storeError(FsStoreErrorCode.STORE_READ_ONLY, `Cannot write: ${detail}`, {
        cause: error,
      });
    case 'ENOSPC':
    case 'EDQUOT':
      return storeError(FsStoreErrorCode.STORE_FULL, `No space left: ${detail}`, {
        cause: error,
      });
    default:
      return storeError(FsStoreErrorCode.STORE_IO, `File system error: ${detail}`, {
        cause: error,
      });
  }
}
