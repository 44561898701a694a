import {
  type ErrorBuilder,
  type ErrorCodeTable,
  errorBuilder,
  errorCodeTable,
  retryableIn,
  SOURCE_ERROR_CODES,
  type SourceErrorCode,
  TgfetchError,
} from '@tgfetch/core';

/** The stable codes of the export reader's errors. */
export const ExportErrorCode = {
  /** No file at the path given. */
  EXPORT_NOT_FOUND: 'EXPORT_NOT_FOUND',
  /** The path exists but cannot be read (a folder, no permission). */
  EXPORT_UNREADABLE: 'EXPORT_UNREADABLE',
  /** Not JSON, or JSON that is not a Telegram Desktop export; carries the position. */
  EXPORT_INVALID: 'EXPORT_INVALID',
  /** A full export holds several chats and none was chosen. */
  EXPORT_AMBIGUOUS: 'EXPORT_AMBIGUOUS',
  /** The chosen chat is not in the export. */
  EXPORT_CHAT_NOT_FOUND: 'EXPORT_CHAT_NOT_FOUND',
} as const;

export type ExportErrorCode = (typeof ExportErrorCode)[keyof typeof ExportErrorCode];

/** None is retryable: a retry reads the same file. */
export const EXPORT_ERROR_CODES: ErrorCodeTable<ExportErrorCode> = errorCodeTable<ExportErrorCode>(
  'export',
  {
    EXPORT_NOT_FOUND: {
      retryable: false,
      meaning: 'no Telegram Desktop export file at the path given',
    },
    EXPORT_UNREADABLE: {
      retryable: false,
      meaning: 'the export path exists but cannot be read (a folder, no permission)',
    },
    EXPORT_INVALID: {
      retryable: false,
      meaning: 'not JSON, or not a Telegram Desktop export (the message gives the position)',
    },
    EXPORT_AMBIGUOUS: {
      retryable: false,
      meaning: 'a full export holds several chats and none was chosen',
    },
    EXPORT_CHAT_NOT_FOUND: { retryable: false, meaning: 'the chosen chat is not in the export' },
  },
);

/** Errors with the codes every source shares (`SOURCE_CLOSED`, `CHAT_NOT_FOUND`). */
export const sourceError: ErrorBuilder<SourceErrorCode> = errorBuilder(SOURCE_ERROR_CODES);

/** Where in the file a problem was found; line and column are 1-based, columns count characters. */
export interface ExportPosition {
  offset: number;
  line: number;
  column: number;
}

export class ExportError extends TgfetchError {
  override name = 'ExportError';
  override readonly code: ExportErrorCode;
  /** Set for `EXPORT_INVALID`. */
  readonly position: ExportPosition | undefined;

  constructor(
    code: ExportErrorCode,
    message: string,
    options: { position?: ExportPosition; cause?: unknown } = {},
  ) {
    super(code, message, {
      retryable: retryableIn(EXPORT_ERROR_CODES, code),
      cause: options.cause,
    });
    this.code = code;
    this.position = options.position;
  }
}
