import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  type ChatRef,
  type DayDocument,
  type DayProgress,
  type DayWriteResult,
  type IsoDate,
  type MessageStore,
  mergeMessages,
  type ProgressStore,
} from '@tgfetch/core';
import { fsyncDir, removeStaleTemps, writeFileAtomic } from './atomic.js';
import { chatLockOn, type FsChatLock } from './chat-lock.js';
import { type DataDir, openDataDir } from './data-dir.js';
import { encodeDay } from './day-file.js';
import {
  CorruptFileError,
  corruptError,
  datesIn,
  FORMATS,
  mergeStored,
  moveAside,
  readStoredDays,
  yearsIn,
} from './day-files.js';
import { errnoCode, FsStoreErrorCode, fromFsError, storeError } from './errors.js';
import { acquireFileLock, defaultFileLockOptions, type FileLockOptions } from './file-lock.js';
import {
  type ChatPlace,
  chatOfKey,
  chatPlace,
  checkDate,
  type DayFormat,
  dayFileName,
} from './paths.js';
import { createProgressFiles } from './progress-files.js';

export interface CorruptFileNotice {
  /** The file that did not parse. */
  file: string;
  /** Where it was moved (`<file>.corrupt-<timestamp>`). */
  movedTo: string;
  reason: string;
}

export interface FsStoreOptions {
  /** Root of the chat folders; created when missing. */
  dataDir: string;
  /** `json`: one pretty-printed document per day; `jsonl`: metadata line, then one message per line. @default 'json' */
  format?: DayFormat;
  /** A lock not refreshed for this long (its holder hung, or its host died) is taken over. @default 30000 */
  lockStaleMs?: number;
  /** How long a write waits for another process's write of the same chat before `LOCK_TIMEOUT`. @default 60000 */
  lockTimeoutMs?: number;
  /** First delay between two tries of a lock. @default 10 */
  lockPollMinMs?: number;
  /** Longest delay between two tries of a lock. @default 250 */
  lockPollMaxMs?: number;
  /** Temp files older than this are removed even when their writer cannot be checked (another host). @default 600000 */
  staleTempMs?: number;
  /** Told when a corrupt day or progress file was moved aside (the store never logs). @default undefined */
  onCorruptFile?: (notice: CorruptFileNotice) => void;
}

export interface FsStore extends MessageStore, ProgressStore {
  /** The data directory, absolute: every `location` starts with it. */
  readonly dataDir: string;
  readonly format: DayFormat;
  /** Core's `ChatLock` over the same directory: hold a chat for a whole command. */
  readonly lock: FsChatLock;
  /** Chats with a folder in the data directory, sorted. */
  listChats(): Promise<ChatRef[]>;
  /** Dates with a day file for `chat`, sorted. */
  listDays(chat: ChatRef): Promise<IsoDate[]>;
  /** The complete days recorded for `chat`, by date. */
  listProgress(chat: ChatRef): Promise<DayProgress[]>;
  /** Waits for writes under way, releases held locks; later calls fail with `STORE_CLOSED`. */
  close(): Promise<void>;
}

/** The file that serialises writes of one chat across processes: `<chat>/.write.lock`. */
export const WRITE_LOCK_FILE = '.write.lock';

/** Everything the store's parts share. */
export interface StoreContext {
  dir: DataDir;
  format: DayFormat;
  notify(notice: CorruptFileNotice): void;
  /** Runs `fn` holding the chat's write lock (in this process, then across processes). */
  withChatWrite<T>(place: ChatPlace, fn: (chatFolder: string) => Promise<T>): Promise<T>;
  /** Removes stale temp files in a folder, once per folder per store, best effort. */
  sweep(folder: string): Promise<void>;
}

/**
 * Days as files, progress per chat, one lock per chat: see README.md for the layout and
 * the guarantees. The returned object is core's `MessageStore` and `ProgressStore` at once.
 */
export function createFsStore(options: FsStoreOptions): FsStore {
  const dir = openDataDir(options.dataDir);
  const format = options.format ?? 'json';
  if (!FORMATS.includes(format)) throw new TypeError(`Unknown format "${String(format)}"`);
  const lockOptions: FileLockOptions = {
    staleMs: options.lockStaleMs ?? defaultFileLockOptions.staleMs,
    pollMinMs: options.lockPollMinMs ?? defaultFileLockOptions.pollMinMs,
    pollMaxMs: options.lockPollMaxMs ?? defaultFileLockOptions.pollMaxMs,
    timeoutMs: options.lockTimeoutMs ?? 60_000,
  };
  const staleTempMs = options.staleTempMs ?? 600_000;
  const lock = chatLockOn(dir, lockOptions);
  const chains = new Map<string, Promise<void>>();
  const swept = new Set<string>();
  const running = new Set<Promise<unknown>>();
  let closed = false;

  const serialize = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (chains.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    chains.set(key, tail);
    void tail.then(() => {
      if (chains.get(key) === tail) chains.delete(key);
    });
    return run;
  };

  const context: StoreContext = {
    dir,
    format,
    notify: (notice) => options.onCorruptFile?.(notice),
    withChatWrite: (place, fn) =>
      serialize(place.key, async () => {
        const folder = (await dir.chatFolder(place, true))!;
        const held = await acquireFileLock(path.join(folder, WRITE_LOCK_FILE), lockOptions);
        try {
          await context.sweep(folder);
          return await fn(folder);
        } finally {
          await held.release();
        }
      }),
    async sweep(folder) {
      if (swept.has(folder)) return;
      swept.add(folder);
      // Best effort: a read-only or busy directory must not fail a read.
      await removeStaleTemps(folder, staleTempMs).catch(() => undefined);
    },
  };
  const progress = createProgressFiles(context);

  /** Runs a public operation: refuses after close, tracks it, translates fs errors. */
  const op = <T>(action: string, what: string, fn: () => Promise<T>): Promise<T> => {
    if (closed) {
      return Promise.reject(storeError(FsStoreErrorCode.closed, 'The store is closed'));
    }
    // Validation throws synchronously inside `fn`; it must reach callers as a rejection.
    const run = (async () => fn())().catch((error: unknown) => {
      if (error instanceof CorruptFileError) throw corruptError(error);
      throw fromFsError(error, action, what);
    });
    running.add(run);
    void run.then(
      () => running.delete(run),
      () => running.delete(run),
    );
    return run;
  };

  const writeDay = (day: DayDocument): Promise<DayWriteResult> => {
    const place = chatPlace(day?.chat);
    const date = checkDate(day.date);
    if (!Array.isArray(day.messages)) {
      throw storeError(FsStoreErrorCode.invalidDay, 'The day has no messages array');
    }
    return context.withChatWrite(place, async (chatFolder) => {
      const root = await dir.root();
      const yearFolder = (await dir.yearFolder(chatFolder, date.slice(0, 4), true))!;
      await context.sweep(yearFolder);
      const stored = await readOrSetAside(root, yearFolder, date);
      const messages = mergeMessages(stored?.messages ?? [], day.messages);
      const doc: DayDocument = {
        chat: place.chat,
        date,
        time_zone: day.time_zone,
        fetched_at: day.fetched_at,
        complete: day.complete || stored?.complete === true,
        count: messages.length,
        messages,
      };
      const location = dir.location(place, date, format);
      // A progress record must never disagree with its file, even if we die half-way:
      // drop it before the day changes, put it back after.
      const record = await progress.recordLocked(place, chatFolder, date);
      const outdated = record && (record.count !== doc.count || record.location !== location);
      if (outdated) await progress.updateLocked(place, chatFolder, date, undefined);
      await writeFileAtomic(
        path.join(yearFolder, dayFileName(date, format)),
        encodeDay(doc, format),
      );
      await removeOtherFormat(yearFolder, date);
      if (outdated) {
        await progress.updateLocked(place, chatFolder, date, {
          ...record,
          count: doc.count,
          location,
        });
      }
      return { count: doc.count, location };
    });
  };

  const readOrSetAside = async (root: string, yearFolder: string, date: IsoDate) => {
    for (;;) {
      try {
        return mergeStored(await readStoredDays(root, yearFolder, date, format));
      } catch (error) {
        if (!(error instanceof CorruptFileError)) throw error;
        // Never overwrite what we cannot read: keep it beside, start the day afresh.
        const movedTo = await moveAside(error.file);
        context.notify({ file: error.file, movedTo, reason: error.message });
      }
    }
  };

  const removeOtherFormat = async (yearFolder: string, date: IsoDate) => {
    const other = format === 'json' ? 'jsonl' : 'json';
    try {
      await unlink(path.join(yearFolder, dayFileName(date, other)));
      await fsyncDir(yearFolder);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
  };

  const readDay = async (chat: ChatRef, date: IsoDate): Promise<DayDocument | undefined> => {
    const place = chatPlace(chat);
    checkDate(date);
    const chatFolder = await dir.chatFolder(place, false);
    const yearFolder = chatFolder && (await dir.yearFolder(chatFolder, date.slice(0, 4), false));
    if (!yearFolder) return undefined;
    return mergeStored(await readStoredDays(await dir.root(), yearFolder, date, format));
  };

  const listChats = async (): Promise<ChatRef[]> => {
    const root = await dir.root();
    const chats: ChatRef[] = [];
    for (const name of await readdir(root)) {
      const chat = chatOfKey(name);
      if (chat === undefined) continue;
      // A folder that is not one, or a link leading outside, is not a chat of ours.
      const ok = await dir.chatFolder(chatPlace(chat), false).catch(() => undefined);
      if (ok) chats.push(chat);
    }
    return chats.sort();
  };

  const listDays = async (chat: ChatRef): Promise<IsoDate[]> => {
    const chatFolder = await dir.chatFolder(chatPlace(chat), false);
    if (!chatFolder) return [];
    await context.sweep(chatFolder);
    const dates = new Set<IsoDate>();
    for (const year of await yearsIn(chatFolder)) {
      const folder = (await dir.yearFolder(chatFolder, year, false))!;
      await context.sweep(folder);
      for (const date of await datesIn(folder, year)) dates.add(date);
    }
    return [...dates].sort();
  };

  return {
    dataDir: dir.base,
    format,
    lock,
    writeDay: (day) =>
      op('writing', `${String(day?.chat)} ${String(day?.date)}`, () => writeDay(day)),
    readDay: (chat, date) => op('reading', `${chat} ${date}`, () => readDay(chat, date)),
    listChats: () => op('listing', dir.base, listChats),
    listDays: (chat) => op('listing', chat, () => listDays(chat)),
    listProgress: (chat) => op('reading progress of', chat, () => progress.list(chatPlace(chat))),
    completed: (chat, dates) =>
      op('reading progress of', chat, () =>
        progress.completed(chatPlace(chat), dates.map(checkDate)),
      ),
    markComplete: (chat, day) =>
      op('recording progress of', chat, () => progress.markComplete(chatPlace(chat), day)),
    async close() {
      closed = true;
      await Promise.allSettled([...running]);
      await lock.close();
    },
  };
}
