import { lstat, mkdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { type ChatRef, chatKey, type IsoDate, isIsoDate, parseChat } from '@tgfetch/core';
import { errnoCode, FsStoreErrorCode, storeError } from './errors.js';

/**
 * Where things live, and the checks that keep every path inside `dataDir`. Chats and dates
 * arrive from commands, i.e. from anyone who can push to the queue, so they are validated
 * again here rather than trusted from the engine; folders are checked with lstat/realpath
 * so that a symlink planted in `dataDir` cannot lead a write outside it.
 */

export type DayFormat = 'json' | 'jsonl';

export const DAY_FORMATS: readonly DayFormat[] = ['json', 'jsonl'];

/** A folder name made by `chatKey`: what a canonical chat can look like, nothing more. */
const SAFE_KEY = /^-?[a-z0-9_]{1,64}$/;
const DAY_FILE = /^discussions_(\d{4}-\d{2}-\d{2})\.(json|jsonl)$/;

export interface ChatPlace {
  /** Canonical chat: `@username` or a numeric id. */
  chat: ChatRef;
  /** Its folder name. */
  key: string;
}

export function chatPlace(chat: unknown): ChatPlace {
  if (typeof chat !== 'string' && typeof chat !== 'number') {
    throw storeError(FsStoreErrorCode.STORE_INVALID_CHAT, 'The chat must be a string');
  }
  const parsed = parseChat(chat);
  if (!parsed.ok) throw storeError(FsStoreErrorCode.STORE_INVALID_CHAT, parsed.reason);
  const key = chatKey(parsed.chat);
  if (!SAFE_KEY.test(key)) {
    throw storeError(FsStoreErrorCode.STORE_INVALID_CHAT, `"${key}" is not a safe folder name`);
  }
  return { chat: parsed.chat, key };
}

/** The chat a folder name stands for, or undefined when the folder is not a chat's. */
export function chatOfKey(key: string): ChatRef | undefined {
  if (!SAFE_KEY.test(key)) return undefined;
  const parsed = parseChat(key);
  return parsed.ok && chatKey(parsed.chat) === key ? parsed.chat : undefined;
}

export function checkDate(date: unknown): IsoDate {
  if (typeof date !== 'string' || !isIsoDate(date)) {
    throw storeError(
      FsStoreErrorCode.STORE_INVALID_DATE,
      `"${String(date)}" is not a YYYY-MM-DD date`,
    );
  }
  return date;
}

export function dayFileName(date: IsoDate, format: DayFormat): string {
  return `discussions_${date}.${format}`;
}

/** The date and format of a day file's name, or undefined for any other file. */
export function parseDayFileName(name: string): { date: IsoDate; format: DayFormat } | undefined {
  const m = DAY_FILE.exec(name);
  if (!m || !isIsoDate(m[1] ?? '')) return undefined;
  return { date: m[1] as IsoDate, format: m[2] as DayFormat };
}

export function isInside(root: string, candidate: string): boolean {
  return candidate.startsWith(root + path.sep);
}

/**
 * The real path of folder `name` inside `parent` (itself a real path inside `root`), made
 * when `create` is set; undefined when it does not exist. A symlink is followed only when
 * `linkWithin` is given and it resolves inside that folder: a chat folder may never be a
 * link (one leading to another chat's folder would merge two chats into one file), a year
 * folder only to a place inside its own chat folder. Anything else is refused.
 */
export async function safeFolder(
  root: string,
  parent: string,
  name: string,
  create: boolean,
  linkWithin?: string,
): Promise<string | undefined> {
  const folder = path.join(parent, name);
  if (!isInside(root, folder)) throw escapeError(folder);
  if (create) {
    try {
      await mkdir(folder);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
  }
  const info = await lstatOrUndefined(folder);
  if (!info) return undefined;
  if (!info.isSymbolicLink()) {
    if (!info.isDirectory()) throw notAFolder(folder);
    return folder;
  }
  const target = await realpath(folder).catch((error: unknown) => {
    // A dangling link: wherever it points, we will not create it.
    if (errnoCode(error) === 'ENOENT') throw escapeError(folder);
    throw error;
  });
  if (!isInside(root, target)) throw escapeError(folder);
  if (linkWithin === undefined || !isInside(linkWithin, target)) throw sharedFolderError(folder);
  if (!(await stat(target)).isDirectory()) throw notAFolder(folder);
  return target;
}

/** Refuses a file that is a symlink leading outside `root` (reads would follow it). */
export async function checkFile(root: string, file: string): Promise<boolean> {
  const info = await lstatOrUndefined(file);
  if (!info) return false;
  if (info.isSymbolicLink()) {
    const target = await realpath(file).catch(() => undefined);
    if (target === undefined || !isInside(root, target)) throw escapeError(file);
  }
  return true;
}

/** The text of a file inside `root`, or undefined when there is none (see `checkFile`). */
export async function readFileInside(root: string, file: string): Promise<string | undefined> {
  if (!(await checkFile(root, file))) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    // Gone between the check and the read (a format switch removed it): as if never there.
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

async function lstatOrUndefined(file: string) {
  try {
    return await lstat(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function escapeError(file: string) {
  return storeError(
    FsStoreErrorCode.PATH_ESCAPE,
    `Refusing ${file}: it is a symlink leading outside the data directory`,
  );
}

function sharedFolderError(folder: string) {
  return storeError(
    FsStoreErrorCode.PATH_ESCAPE,
    `Refusing ${folder}: it is a symlink to another folder of the data directory, which would mix two chats' (or years') days`,
  );
}

function notAFolder(file: string) {
  return storeError(FsStoreErrorCode.STORE_IO, `${file} exists and is not a folder`);
}
