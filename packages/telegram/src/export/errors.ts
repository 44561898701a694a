import { FatalError } from '@tgfetch/core';

/** The stable codes of the export reader's errors (all fatal: a retry reads the same file). */
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

/** Where in the file a problem was found; line and column are 1-based, columns count characters. */
export interface ExportPosition {
  offset: number;
  line: number;
  column: number;
}

export class ExportError extends FatalError {
  override name = 'ExportError';
  override readonly code: ExportErrorCode;
  /** Set for `EXPORT_INVALID`. */
  readonly position: ExportPosition | undefined;

  constructor(
    code: ExportErrorCode,
    message: string,
    options: { position?: ExportPosition; cause?: unknown } = {},
  ) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
    this.position = options.position;
  }
}
