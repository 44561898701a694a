import {
  type ErrorBuilder,
  errorBuilder,
  retryableIn,
  SOURCE_ERROR_CODES,
  UnreachableError,
} from '@tgfetch/core';
import {
  TELEGRAM_ERROR_CODES,
  TelegramErrorCode,
  type TelegramPackageErrorCode,
} from './error-codes.js';

type Code = TelegramErrorCode | TelegramPackageErrorCode;

/** Errors with this package's codes and the sources' shared ones, retryable as the tables say. */
export const tgError: ErrorBuilder<Code> = errorBuilder<Code>([
  ...SOURCE_ERROR_CODES,
  ...TELEGRAM_ERROR_CODES,
]);

/**
 * `TELEGRAM_UNREACHABLE` as an `UnreachableError`, which the retry policy does not retry
 * within the command (the connection's own attempts are spent), retryable as the table says.
 */
export function unreachableError(
  message: string,
  options: { cause?: unknown } = {},
): UnreachableError {
  const code = TelegramErrorCode.TELEGRAM_UNREACHABLE;
  return new UnreachableError(code, message, {
    ...options,
    retryable: retryableIn(TELEGRAM_ERROR_CODES, code),
  });
}
