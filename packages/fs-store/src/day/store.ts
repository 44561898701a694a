import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  type ChatRef,
  type DayDocument,
  type DayWriteResult,
  type IsoDate,
  mergeDayComments,
  mergeMessages,
  ZoneConflictError,
} from '@tgfetch/core';
import { fsyncDir, writeFileAtomic } from '../atomic.js';
import type { StoreContext } from '../context.js';
import { CorruptFileError, moveAside } from '../corrupt.js';
import { errnoCode, FsStoreErrorCode, storeError } from '../errors.js';
import { chatOfKey, chatPlace, checkDate, dayFileName } from '../paths.js';
import type { ProgressSide } from '../progress/store.js';
import { datesIn, mergeStored, readStoredDays, yearsIn } from './copies.js';
import { encodeDay } from './format.js';
import { locateIds } from './locate.js';

/**
 * The day side of the store (core's `MessageStore`): merge-and-replace writes under the
 * chat's write lock, and lock-free reads (files are only ever replaced whole).
 */
export function createDaySide(context: StoreContext, progress: ProgressSide) {
  const { dir, format } = context;

  const writeDay = (day: DayDocument): Promise<DayWriteResult> => {
    if (typeof day !== 'object' || day === null) {
      throw storeError(FsStoreErrorCode.STORE_INVALID_DAY, 'A day must be an object');
    }
    const place = chatPlace(day.chat);
    const date = checkDate(day.date);
    checkDay(day);
    return context.withChatWrite(place, async (chatFolder) => {
      // The zone rule first: a day of another zone never touches this chat's files.
      await progress.claimZoneLocked(place, chatFolder, day.time_zone);
      const root = await dir.root();
      const yearFolder = (await dir.yearFolder(chatFolder, date.slice(0, 4), true))!;
      await context.sweep(yearFolder);
      const repairs: string[] = [];
      const found = await readOrSetAside(root, yearFolder, date, repairs);
      const stored = mergeStored(found);
      if (stored && stored.time_zone !== day.time_zone) {
        throw new ZoneConflictError(place.chat, stored.time_zone, day.time_zone);
      }
      const messages = mergeMessages(stored?.messages ?? [], day.messages);
      const comments = mergeDayComments(stored?.comments, day.comments);
      const doc: DayDocument = {
        chat: place.chat,
        date,
        time_zone: day.time_zone,
        fetched_at: day.fetched_at,
        complete: day.complete || stored?.complete === true,
        count: messages.length,
        messages,
        ...(comments === undefined ? {} : { comments }),
      };
      const location = dir.location(place, date, format);
      // A progress record must never disagree with its file, even if we die half-way: a
      // complete day whose file changes loses its record before the file is replaced.
      // Recording it again is `markComplete`'s alone (one record a day, see core's ports).
      const outdated =
        stored?.complete === true &&
        (stored.count !== doc.count || found.some((f) => f.format !== format));
      if (outdated) await progress.appendLocked(place, chatFolder, [{ date, drop: true }]);
      await writeFileAtomic(
        path.join(yearFolder, dayFileName(date, format)),
        encodeDay(doc, format),
      );
      await removeOtherFormat(yearFolder, date);
      return { count: doc.count, location, ...(repairs.length > 0 ? { repairs } : {}) };
    });
  };

  const readOrSetAside = async (
    root: string,
    yearFolder: string,
    date: IsoDate,
    repairs: string[],
  ) => {
    for (;;) {
      try {
        return await readStoredDays(root, yearFolder, date, format);
      } catch (error) {
        if (!(error instanceof CorruptFileError)) throw error;
        // Never overwrite what we cannot read: keep it beside, start the day afresh.
        const movedTo = await moveAside(error.file);
        context.notify({ file: error.file, movedTo, reason: error.message });
        repairs.push(`a corrupt copy was moved aside to ${path.basename(movedTo)}`);
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

  /** See core's `MessageStore.locate` and `locateIds`: lock-free reads of a few days. */
  const locate = async (
    chat: ChatRef,
    ids: readonly number[],
  ): Promise<ReadonlyMap<number, IsoDate>> => {
    if (!Array.isArray(ids))
      throw storeError(FsStoreErrorCode.STORE_INVALID_DAY, 'ids must be an array');
    if (ids.length === 0) return new Map();
    const dates = await listDays(chat);
    return locateIds(dates, ids, async (date) => {
      // A corrupt copy holds nothing we can vouch for; its next write repairs it.
      const day = await readDay(chat, date).catch((error: unknown) => {
        if (error instanceof CorruptFileError) return undefined;
        throw error;
      });
      return new Set((day?.messages ?? []).filter((m) => m.peer === undefined).map((m) => m.id));
    });
  };

  /**
   * The chat's zone as recorded in its progress, or, for a chat stored before zones were
   * recorded, as its first day file says.
   */
  const zoneOf = async (chat: ChatRef): Promise<string | undefined> => {
    const recorded = await progress.zoneOf(chatPlace(chat));
    if (recorded !== undefined) return recorded;
    const [first] = await listDays(chat);
    return first === undefined ? undefined : (await readDay(chat, first))?.time_zone;
  };

  return { writeDay, readDay, listChats, listDays, locate, zoneOf };
}

/** What a day file must hold to be read back: refused here rather than found corrupt later. */
function checkDay(day: DayDocument): void {
  const bad = (why: string) =>
    storeError(FsStoreErrorCode.STORE_INVALID_DAY, `Bad day ${day.date}: ${why}`);
  if (!Array.isArray(day.messages)) throw bad('no messages array');
  if (typeof day.time_zone !== 'string' || typeof day.fetched_at !== 'string') {
    throw bad('time_zone and fetched_at must be strings');
  }
  if (typeof day.complete !== 'boolean') throw bad('complete must be true or false');
  for (const m of day.messages) {
    if (typeof m !== 'object' || m === null || !Number.isSafeInteger(m.id)) {
      throw bad('every message needs an integer id');
    }
  }
}
