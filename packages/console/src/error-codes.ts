import { type ErrorCodeTable, errorBuilder, errorCodeTable } from '@tgfetch/core';

/** Stable codes of the errors the console raises when it is started wrong. */
export const ConsoleErrorCode = {
  /** Bound beyond loopback without a token: anyone on the network could read the archive. */
  CONSOLE_TOKEN_REQUIRED: 'CONSOLE_TOKEN_REQUIRED',
  /** A token shorter than 16 characters, or with whitespace or control characters. */
  CONSOLE_TOKEN_WEAK: 'CONSOLE_TOKEN_WEAK',
  /** A host or port that cannot be listened on, or other options out of bounds. */
  CONSOLE_INVALID_OPTIONS: 'CONSOLE_INVALID_OPTIONS',
} as const;
export type ConsoleErrorCode = (typeof ConsoleErrorCode)[keyof typeof ConsoleErrorCode];

export const CONSOLE_ERROR_CODES: ErrorCodeTable<ConsoleErrorCode> =
  errorCodeTable<ConsoleErrorCode>('console', {
    CONSOLE_TOKEN_REQUIRED: {
      retryable: false,
      meaning:
        'the console is bound beyond loopback without CONSOLE_TOKEN: set one, or bind 127.0.0.1',
    },
    CONSOLE_TOKEN_WEAK: {
      retryable: false,
      meaning: 'CONSOLE_TOKEN is shorter than 16 characters or holds whitespace or controls',
    },
    CONSOLE_INVALID_OPTIONS: {
      retryable: false,
      meaning: 'the console was given a host, port or limit it cannot use',
    },
  });

export const consoleError = errorBuilder<ConsoleErrorCode>(CONSOLE_ERROR_CODES);
