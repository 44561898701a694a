import { readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { type DayDocument, type IsoDate, mergeMessages } from '@tgfetch/core';
import { fsyncDir } from './atomic.js';
import { decodeDay } from './day-file.js';
import { FsStoreErrorCode, storeError } from './errors.js';
import { type DayFormat, dayFileName, parseDayFileName, readFileInside } from './paths.js';

/** One day file found on disk. */
export interface StoredDay {
  doc: DayDocument;
  file: string;
  format: DayFormat;
}

/** A day file that does not parse. */
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

export const FORMATS: readonly DayFormat[] = ['json', 'jsonl'];

/**
 * The stored copies of a day in a year folder: normally one, two when a store switched
 * format and crashed between writing the new file and removing the old one. The
 * preferred format comes first.
 */
export async function readStoredDays(
  root: string,
  yearFolder: string,
  date: IsoDate,
  preferred: DayFormat,
): Promise<StoredDay[]> {
  const formats = preferred === 'json' ? FORMATS : [...FORMATS].reverse();
  const found: StoredDay[] = [];
  for (const format of formats) {
    const file = path.join(yearFolder, dayFileName(date, format));
    const text = await readFileInside(root, file);
    if (text === undefined) continue;
    try {
      found.push({ doc: decodeDay(text, format), file, format });
    } catch (error) {
      throw new CorruptFileError(file, error);
    }
  }
  return found;
}

/** Several copies of one day as one (see `readStoredDays`). */
export function mergeStored(days: readonly StoredDay[]): DayDocument | undefined {
  const [first, ...rest] = days;
  if (!first) return undefined;
  let doc = first.doc;
  for (const other of rest) {
    const messages = mergeMessages(other.doc.messages, doc.messages);
    doc = {
      ...doc,
      complete: doc.complete || other.doc.complete,
      count: messages.length,
      messages,
    };
  }
  return doc;
}

export function corruptError(error: CorruptFileError) {
  return storeError(FsStoreErrorCode.corrupt, error.message, { cause: error });
}

/** Renames a corrupt file to `<name>.corrupt-<timestamp>`, out of every reader's way. */
export async function moveAside(file: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  await rename(file, target);
  await fsyncDir(path.dirname(file));
  return target;
}

/** The dates that have a day file in a year folder (temp and corrupt files never match). */
export async function datesIn(yearFolder: string, year: string): Promise<IsoDate[]> {
  const dates: IsoDate[] = [];
  for (const name of await readdir(yearFolder)) {
    const parsed = parseDayFileName(name);
    if (parsed?.date.startsWith(`${year}-`)) dates.push(parsed.date);
  }
  return dates;
}

/** The year folders of a chat folder. */
export async function yearsIn(chatFolder: string): Promise<string[]> {
  const entries = await readdir(chatFolder, { withFileTypes: true });
  return entries
    .filter((e) => /^\d{4}$/.test(e.name) && (e.isDirectory() || e.isSymbolicLink()))
    .map((e) => e.name)
    .sort();
}
