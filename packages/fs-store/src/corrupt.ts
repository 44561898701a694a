import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { TgfetchError } from '@tgfetch/core';
import { fsyncDir } from './atomic.js';
import { FsStoreErrorCode, storeError } from './errors.js';

/** What `onCorruptFile` is told when a day or progress file that does not parse was set aside. */
export interface CorruptFileNotice {
  /** The file that did not parse. */
  file: string;
  /** Where it was moved (`<file>.corrupt-<timestamp>`). */
  movedTo: string;
  reason: string;
}

/** A day or progress file that does not parse (internal: leaves the store as `STORE_CORRUPT`). */
export class CorruptFileError extends Error {
  override name = 'CorruptFileError';
  readonly file: string;

  constructor(file: string, cause: unknown) {
    super(`${file} is not a valid file: ${cause instanceof Error ? cause.message : cause}`, {
      cause,
    });
    this.file = file;
  }
}

export function corruptError(error: CorruptFileError): TgfetchError {
  return storeError(FsStoreErrorCode.STORE_CORRUPT, error.message, { cause: error });
}

/** Renames a corrupt file to `<name>.corrupt-<timestamp>`, out of every reader's way. */
export async function moveAside(file: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  await rename(file, target);
  await fsyncDir(path.dirname(file));
  return target;
}
