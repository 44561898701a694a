import { open, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type DayProgress, type IsoDate, ZoneConflictError } from '@tgfetch/core';
import { fsyncDir, writeFileAtomic } from '../atomic.js';
import type { StoreContext } from '../context.js';
import { CorruptFileError, moveAside } from '../corrupt.js';
import { datesIn, mergeStored, readStoredDays, yearsIn } from '../day/copies.js';
import { errnoCode, FsStoreErrorCode, storeError } from '../errors.js';
import { type ChatPlace, checkDate, checkFile, readFileInside } from '../paths.js';
import {
  decodeProgress,
  emptyProgress,
  encodeChange,
  encodeProgress,
  type ProgressChange,
  type ProgressFile,
  progressRecord,
  replayLog,
} from './format.js';

export const PROGRESS_FILE = 'progress.json';
export const PROGRESS_LOG = 'progress.log';

/** The log is folded into the snapshot once it is this big and as big as the snapshot. */
const MIN_COMPACT_BYTES = 16_384;

/**
 * The progress side of the store (core's `ProgressStore`; see format.ts for its two files). Every change
 * runs under the chat's write lock; reads need none.
 *
 * Progress that does not parse is moved aside and rebuilt from the day files: they are the
 * truth (a day file says whether its day is complete), progress is only a fast index of
 * them, and the engine checks each record against its day before trusting it.
 */
export function createProgressSide(ctx: StoreContext) {
  /** Zones of chats seen by this store: a chat's zone never changes once claimed. */
  const zones = new Map<string, string>();

  const loadLocked = async (place: ChatPlace, chatFolder: string): Promise<ProgressFile> => {
    const root = await ctx.dir.root();
    const file = path.join(chatFolder, PROGRESS_FILE);
    const log = path.join(chatFolder, PROGRESS_LOG);
    const text = await readFileInside(root, file);
    const lines = await readFileInside(root, log);
    let bad = file;
    try {
      const progress =
        text === undefined ? emptyProgress(place.chat) : decodeProgress(text, ctx.dir.base);
      bad = log;
      if (lines !== undefined) replayLog(progress, lines, ctx.dir.base);
      return progress;
    } catch (error) {
      const movedTo = await moveAside(bad);
      ctx.notify({ file: bad, movedTo, reason: new CorruptFileError(bad, error).message });
      const rebuilt = await rebuild(place, chatFolder);
      await writeFileAtomic(file, encodeProgress(rebuilt));
      await removeLog(chatFolder);
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
        if (!doc) continue;
        progress.time_zone ??= doc.time_zone;
        if (!doc.complete) continue;
        const location = ctx.dir.location(place, date, stored[0]!.format);
        progress.days[date] = { count: doc.count, location, fetched_at: doc.fetched_at };
      }
    }
    return progress;
  };

  /** Appends changes to the log (one fsynced write), folding it into the snapshot when due. */
  const appendLocked = async (
    place: ChatPlace,
    chatFolder: string,
    changes: ProgressChange[],
  ): Promise<void> => {
    const log = path.join(chatFolder, PROGRESS_LOG);
    await checkFile(await ctx.dir.root(), log);
    const handle = await open(log, 'a+', 0o644);
    let size: number;
    let created: boolean;
    try {
      let before = (await handle.stat()).size;
      created = before === 0;
      if (before > 0) {
        // An append cut by a crash left a line without its newline: cut it off rather than
        // glue the next line onto it (it was never acknowledged: its fsync did not return).
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, before - 1);
        if (last[0] !== 0x0a) {
          const { buffer } = await handle.read(Buffer.alloc(before), 0, before, 0);
          before = buffer.lastIndexOf(0x0a) + 1;
          await handle.truncate(before);
        }
      }
      const text = changes.map(encodeChange).join('');
      await handle.write(text);
      await handle.sync();
      size = before + Buffer.byteLength(text);
    } finally {
      await handle.close();
    }
    if (created) await fsyncDir(chatFolder);
    const snapshot = await stat(path.join(chatFolder, PROGRESS_FILE)).catch(() => undefined);
    if (size >= Math.max(MIN_COMPACT_BYTES, snapshot?.size ?? 0)) {
      const progress = await loadLocked(place, chatFolder);
      await writeFileAtomic(path.join(chatFolder, PROGRESS_FILE), encodeProgress(progress));
      // A crash here leaves a log whose lines the snapshot already holds: replaying them
      // again changes nothing.
      await removeLog(chatFolder);
    }
  };

  const removeLog = async (chatFolder: string) => {
    try {
      await unlink(path.join(chatFolder, PROGRESS_LOG));
      await fsyncDir(chatFolder);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
  };

  /**
   * The zone rule: the chat's zone, claimed for `timeZone` when it has none yet; a
   * `ZoneConflictError` when it has another. A chat stored before zones were recorded
   * takes the zone of its day files.
   */
  const claimZoneLocked = async (place: ChatPlace, chatFolder: string, timeZone: string) => {
    let zone = zones.get(place.key);
    if (zone === undefined) {
      const progress = await loadLocked(place, chatFolder);
      zone = progress.time_zone ?? (await rebuild(place, chatFolder)).time_zone;
      if (zone === undefined) {
        zone = timeZone;
        const snapshot = path.join(chatFolder, PROGRESS_FILE);
        if (await readFileInside(await ctx.dir.root(), snapshot)) {
          await appendLocked(place, chatFolder, [{ time_zone: zone }]);
        } else {
          await writeFileAtomic(snapshot, encodeProgress({ ...progress, time_zone: zone }));
        }
      } else if (progress.time_zone === undefined) {
        await appendLocked(place, chatFolder, [{ time_zone: zone }]);
      }
      zones.set(place.key, zone);
    }
    if (zone !== timeZone) throw new ZoneConflictError(place.chat, zone, timeZone);
  };

  /**
   * Reads without the lock (a read-only data directory can still be read); repairs under
   * it. The log is read before the snapshot: a fold in between leaves only lines that the
   * snapshot already holds, or older ones, which at worst make a day look not complete
   * (the engine checks every record against its day anyway).
   */
  const read = async (place: ChatPlace): Promise<ProgressFile> => {
    const chatFolder = await ctx.dir.chatFolder(place, false);
    if (!chatFolder) return emptyProgress(place.chat);
    const root = await ctx.dir.root();
    const lines = await readFileInside(root, path.join(chatFolder, PROGRESS_LOG));
    const text = await readFileInside(root, path.join(chatFolder, PROGRESS_FILE));
    try {
      const progress =
        text === undefined ? emptyProgress(place.chat) : decodeProgress(text, ctx.dir.base);
      if (lines !== undefined) replayLog(progress, lines, ctx.dir.base);
      return progress;
    } catch {
      return ctx.withChatWrite(place, (folder) => loadLocked(place, folder));
    }
  };

  return {
    claimZoneLocked,
    appendLocked,
    async completed(place: ChatPlace, dates: readonly IsoDate[], timeZone?: string) {
      const progress = await read(place);
      if (timeZone !== undefined && progress.time_zone !== undefined) {
        if (progress.time_zone !== timeZone) {
          throw new ZoneConflictError(place.chat, progress.time_zone, timeZone);
        }
      }
      const found = new Map<IsoDate, DayProgress>();
      for (const date of dates) {
        const record = progressRecord(progress, date);
        if (record) found.set(date, record);
      }
      return found;
    },
    /** The chat's zone as claimed (undefined while unclaimed, or for a chat stored before zones were recorded). */
    async zoneOf(place: ChatPlace): Promise<string | undefined> {
      return zones.get(place.key) ?? (await read(place)).time_zone;
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
        typeof day.fetched_at !== 'string' ||
        (day.time_zone !== undefined && typeof day.time_zone !== 'string')
      ) {
        throw storeError(FsStoreErrorCode.STORE_INVALID_DAY, `Bad progress record for ${date}`);
      }
      const record = {
        date,
        count: day.count,
        location: day.location,
        fetched_at: day.fetched_at,
      };
      await ctx.withChatWrite(place, async (folder) => {
        if (day.time_zone !== undefined) await claimZoneLocked(place, folder, day.time_zone);
        await appendLocked(place, folder, [record]);
      });
    },
  };
}

export type ProgressSide = ReturnType<typeof createProgressSide>;
