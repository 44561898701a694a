import path from 'node:path';
import type { ChatRef, DayProgress, IsoDate, MessageStore, ProgressStore } from '@tgfetch/core';
import { removeStaleTemps } from './atomic.js';
import { chatLockOn, type FsChatLock } from './chat-lock.js';
import type { StoreContext } from './context.js';
import { CorruptFileError, type CorruptFileNotice, corruptError } from './corrupt.js';
import { openDataDir } from './data-dir.js';
import { createDaySide } from './day/store.js';
import { FsStoreErrorCode, fromFsError, storeError } from './errors.js';
import { acquireFileLock, defaultFileLockOptions, type FileLockOptions } from './file-lock.js';
import { chatPlace, checkDate, DAY_FORMATS, type DayFormat } from './paths.js';
import { createProgressSide } from './progress/store.js';

export interface FsStoreOptions {
  /** Root of the chat folders; created when missing. */
  dataDir: string;
  /**
   * The data directory as events show it: `filePath` joins it with a day's location
   * (`data` gives `data/ru_python/2025/discussions_2025-11-07.json`). Give the directory
   * as configured, so that consumers elsewhere read the same path.
   * @default dataDir
   */
  displayDir?: string;
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
  /** Told when a corrupt day or progress file was moved aside (the store never logs; wire it to a log). @default undefined */
  onCorruptFile?: (notice: CorruptFileNotice) => void;
}

export interface FsStore extends MessageStore, ProgressStore {
  /** The data directory, absolute: every `location` is relative to it. */
  readonly dataDir: string;
  /** `displayDir` joined with a location: how events show where a day lives. */
  filePath(location: string): string;
  readonly format: DayFormat;
  /** Core's `ChatLock` over the same directory: hold a chat for a whole command. */
  readonly lock: FsChatLock;
  /** Chats with a folder in the data directory, sorted. */
  listChats(): Promise<ChatRef[]>;
  /** Dates with a day file for `chat`, sorted. */
  listDays(chat: ChatRef): Promise<IsoDate[]>;
  /** The day of each stored id of `chat`: a bisection over its days by id range (see README). */
  locate(chat: ChatRef, ids: readonly number[]): Promise<ReadonlyMap<number, IsoDate>>;
  /** The zone `chat` is stored in, or undefined while nothing of it is. */
  zoneOf(chat: ChatRef): Promise<string | undefined>;
  /** The complete days recorded for `chat`, by date. */
  listProgress(chat: ChatRef): Promise<DayProgress[]>;
  /** Waits for writes under way, releases held locks; later calls fail with `STORE_CLOSED`. */
  close(): Promise<void>;
}

/** The file that serialises writes of one chat across processes: `<chat>/.write.lock`. */
const WRITE_LOCK_FILE = '.write.lock';

/**
 * Days as files, progress per chat, one lock per chat: see README.md for the layout and
 * the guarantees. The returned object is core's `MessageStore` and `ProgressStore` at once.
 */
export function createFsStore(options: FsStoreOptions): FsStore {
  const dir = openDataDir(options.dataDir);
  const format = options.format ?? 'json';
  if (!DAY_FORMATS.includes(format)) throw new TypeError(`Unknown format "${String(format)}"`);
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
  const progress = createProgressSide(context);

  /** Runs a public operation: refuses after close, tracks it, translates fs errors. */
  const op = <T>(action: string, what: string, fn: () => Promise<T>): Promise<T> => {
    if (closed) {
      return Promise.reject(storeError(FsStoreErrorCode.STORE_CLOSED, 'The store is closed'));
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

  const days = createDaySide(context, progress);

  const displayDir = options.displayDir ?? options.dataDir;
  return {
    dataDir: dir.base,
    filePath: (location) => path.join(displayDir, location),
    format,
    lock,
    writeDay: (day) =>
      op('writing', `${String(day?.chat)} ${String(day?.date)}`, () => days.writeDay(day)),
    readDay: (chat, date) => op('reading', `${chat} ${date}`, () => days.readDay(chat, date)),
    locate: (chat, ids) => op('locating messages of', chat, () => days.locate(chat, ids)),
    zoneOf: (chat) => op('reading the zone of', chat, () => days.zoneOf(chat)),
    listChats: () => op('listing', dir.base, days.listChats),
    listDays: (chat) => op('listing', chat, () => days.listDays(chat)),
    listProgress: (chat) => op('reading progress of', chat, () => progress.list(chatPlace(chat))),
    completed: (chat, dates, timeZone) =>
      op('reading progress of', chat, () =>
        progress.completed(chatPlace(chat), dates.map(checkDate), timeZone),
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
