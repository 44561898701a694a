import { type FileHandle, open } from 'node:fs/promises';
import { AbortError } from '@tgfetch/core';
import { ExportError, ExportErrorCode, type ExportPosition } from './errors.js';
import { JsonSyntaxError, type JsonTokenizer } from './json-tokenizer.js';

export async function openExport(file: string): Promise<FileHandle> {
  try {
    const handle = await open(file, 'r');
    const stat = await handle.stat().catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    if (!stat.isFile()) {
      await handle.close();
      throw new ExportError(ExportErrorCode.EXPORT_UNREADABLE, `${file} is not a file`);
    }
    return handle;
  } catch (error) {
    if (error instanceof ExportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ExportError(ExportErrorCode.EXPORT_NOT_FOUND, `No export file at ${file}`, {
        cause: error,
      });
    }
    throw new ExportError(
      ExportErrorCode.EXPORT_UNREADABLE,
      `Cannot read the export file ${file} (${code ?? 'error'})`,
      { cause: error },
    );
  }
}

/**
 * Feeds the whole file through `tokenizer`, `chunkSize` bytes at a time into one reused
 * buffer (the tokenizer copies what it keeps). Each read is awaited, so a long first pass
 * never starves the event loop.
 */
export async function streamFile(
  handle: FileHandle,
  tokenizer: JsonTokenizer,
  chunkSize: number,
  signal?: AbortSignal,
): Promise<void> {
  const buffer = Buffer.allocUnsafe(chunkSize);
  let position = 0;
  for (;;) {
    if (signal?.aborted) throw new AbortError();
    const { bytesRead } = await handle.read(buffer, 0, chunkSize, position);
    if (bytesRead === 0) break;
    tokenizer.write(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  tokenizer.end();
}

export async function readRange(handle: FileHandle, start: number, end: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(end - start);
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, start + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buffer.subarray(0, done);
}

/** Line and column of a byte offset, by reading the file up to it (only on the error path). */
export async function locate(
  handle: FileHandle,
  offset: number,
  chunkSize = 65_536,
): Promise<ExportPosition> {
  const buffer = Buffer.allocUnsafe(chunkSize);
  let line = 1;
  let column = 1;
  let position = 0;
  while (position < offset) {
    const want = Math.min(chunkSize, offset - position);
    const { bytesRead } = await handle.read(buffer, 0, want, position);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead; i++) {
      const b = buffer[i]!;
      if (b === 0x0a) {
        line++;
        column = 1;
      } else if ((b & 0xc0) !== 0x80) column++; // UTF-8 continuation bytes are not characters
    }
    position += bytesRead;
  }
  return { offset, line, column };
}

/** Turns a syntax or shape error into `EXPORT_INVALID` with its line and column. */
export async function invalidExport(
  handle: FileHandle,
  file: string,
  error: unknown,
): Promise<unknown> {
  if (!(error instanceof JsonSyntaxError)) return error;
  const position = await locate(handle, error.offset);
  return new ExportError(
    ExportErrorCode.EXPORT_INVALID,
    `${file} is not a valid Telegram Desktop export: ${error.reason} at line ${position.line}, column ${position.column} (byte ${position.offset})`,
    { position },
  );
}
