import path from 'node:path';
import type { DayProgress, IsoDate } from '@tgfetch/core';
import { writeFileAtomic } from './atomic.js';
import {
  CorruptFileError,
  datesIn,
  mergeStored,
  moveAside,
  readStoredDays,
  yearsIn,
} from './day-files.js';
import { FsStoreErrorCode, storeError } from './errors.js';
import { type ChatPlace, checkDate, readFileInside } from './paths.js';
import {
  decodeProgress,
  emptyProgress,
  encodeProgress,
  type ProgressFile,
  progressRecord,
} from './progress-file.js';
import type { StoreContext } from './store.js';

export const PROGRESS_FILE = 'progress.json';

/**
 * The progress half of the store. Reads need no lock (the file is replaced atomically);
 * every change is a read-modify-write under the chat's write lock.
 *
 * A progress record that does not parse is moved aside and rebuilt from the day files:
 * they are the truth (a day file says whether its day is complete), progress.json is only
 * a fast index of them.
 */
export function createProgressFiles(ctx: StoreContext) {
  const loadLocked = async (place: ChatPlace, chatFolder: string): Promise<ProgressFile> => {
    const file = path.join(chatFolder, PROGRESS_FILE);
    const text = await readFileInside(await ctx.dir.root(), file);
    if (text === undefined) return emptyProgress(place.chat);
    try {
      return decodeProgress(text);
    } catch (error) {
      const movedTo = await moveAside(file);
      ctx.notify({ file, movedTo, reason: new CorruptFileError(file, error).message });
      const rebuilt = await rebuild(place, chatFolder);
      await writeFileAtomic(file, encodeProgress(rebuilt));
      return rebuilt;
    }
  };

  const rebuild = async (place: ChatPlace, chatFolder: string): Promise<ProgressFile> => {
    const root = await ctx.dir.root();
    const progress = emptyProgress(place.chat);
    for (const year of await yearsIn(chatFolder)) {
      const folder = await ctx.dir.yearFolder(chatFolder, year, false);
      if (!folder) continue;
      for (const date of await datesIn(folder, year)) {
        const stored = await readStoredDays(root, folder, date, ctx.format).catch((error) => {
          if (error instanceof CorruptFileError) return [];
          throw error;
        });
        const doc = mergeStored(stored);
        if (!doc?.complete) continue;
        const location = ctx.dir.location(place, date, stored[0]!.format);
        progress.days[date] = { count: doc.count, location, fetched_at: doc.fetched_at };
      }
    }
    return progress;
  };

  const updateLocked = async (
    place: ChatPlace,
    chatFolder: string,
    date: IsoDate,
    record: Omit<DayProgress, 'date'> | undefined,
  ): Promise<void> => {
    const progress = await loadLocked(place, chatFolder);
    if (record) progress.days[date] = record;
    else delete progress.days[date];
    progress.chat = place.chat;
    await writeFileAtomic(path.join(chatFolder, PROGRESS_FILE), encodeProgress(progress));
  };

  const read = async (place: ChatPlace): Promise<ProgressFile> => {
    const chatFolder = await ctx.dir.chatFolder(place, false);
    if (!chatFolder) return emptyProgress(place.chat);
    const text = await readFileInside(await ctx.dir.root(), path.join(chatFolder, PROGRESS_FILE));
    if (text === undefined) return emptyProgress(place.chat);
    try {
      return decodeProgress(text);
    } catch {
      // Repair under the lock: a writer may have replaced the file meanwhile.
      return ctx.withChatWrite(place, (folder) => loadLocked(place, folder));
    }
  };

  return {
    recordLocked: async (place: ChatPlace, chatFolder: string, date: IsoDate) =>
      progressRecord(await loadLocked(place, chatFolder), date),
    updateLocked,
    async completed(place: ChatPlace, dates: readonly IsoDate[]) {
      const progress = await read(place);
      const found = new Map<IsoDate, DayProgress>();
      for (const date of dates) {
        const record = progressRecord(progress, date);
        if (record) found.set(date, record);
      }
      return found;
    },
    async list(place: ChatPlace): Promise<DayProgress[]> {
      const progress = await read(place);
      return Object.keys(progress.days)
        .sort()
        .map((date) => progressRecord(progress, date)!);
    },
    async markComplete(place: ChatPlace, day: DayProgress): Promise<void> {
      const date = checkDate(day?.date);
      if (
        !Number.isSafeInteger(day.count) ||
        day.count < 0 ||
        typeof day.location !== 'string' ||
        typeof day.fetched_at !== 'string'
      ) {
        throw storeError(FsStoreErrorCode.invalidDay, `Bad progress record for ${date}`);
      }
      const record = { count: day.count, location: day.location, fetched_at: day.fetched_at };
      await ctx.withChatWrite(place, (folder) => updateLocked(place, folder, date, record));
    },
  };
}
