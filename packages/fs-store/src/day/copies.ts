import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { type DayDocument, type IsoDate, mergeDayComments, mergeMessages } from '@tgfetch/core';
import { CorruptFileError } from '../corrupt.js';
import {
  DAY_FORMATS,
  type DayFormat,
  dayFileName,
  parseDayFileName,
  readFileInside,
} from '../paths.js';
import { decodeDay } from './format.js';

/**
 * The day files on disk, read: the copies of one day, and the dates and years a chat
 * folder holds. Shared by the day side (writes merge with the copies) and the progress
 * side (a rebuild reads every day).
 */

/** One day file found on disk. */
export interface StoredDay {
  doc: DayDocument;
  file: string;
  format: DayFormat;
}

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
  const formats = preferred === 'json' ? DAY_FORMATS : [...DAY_FORMATS].reverse();
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
    const comments = mergeDayComments(other.doc.comments, doc.comments);
    doc = {
      ...doc,
      complete: doc.complete || other.doc.complete,
      count: messages.length,
      messages,
      ...(comments === undefined ? {} : { comments }),
    };
  }
  return doc;
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
