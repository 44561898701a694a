import { type ChatRef, chatKey } from '../chat.js';
import { type DayDocument, type DayProgress, mergeDayComments } from '../day.js';
import { ZoneConflictError } from '../errors.js';
import { mergeMessages } from '../message.js';
import type { MessageStore, ProgressStore } from '../ports.js';
import type { IsoDate } from '../time-zone.js';

export interface MemoryStore extends MessageStore {
  /** Every stored day, in no particular order. */
  days(): DayDocument[];
}

/** Days kept in a Map, merged by id like every store: the default for embedding and tests. */
export function createMemoryStore(): MemoryStore {
  const days = new Map<string, DayDocument>();
  const zones = new Map<string, string>();
  const key = (chat: ChatRef, date: IsoDate) => `${chatKey(chat)}/${date}`;
  return {
    days: () => [...days.values()].map(copy),
    async writeDay(day) {
      claimZone(zones, day.chat, day.time_zone);
      const k = key(day.chat, day.date);
      const old = days.get(k);
      const messages = mergeMessages(old?.messages ?? [], day.messages);
      const { comments: _, ...rest } = day;
      const comments = mergeDayComments(old?.comments, day.comments);
      days.set(
        k,
        copy({
          ...rest,
          complete: day.complete || (old?.complete ?? false),
          count: messages.length,
          messages,
          ...(comments ? { comments } : {}),
        }),
      );
      return { count: messages.length, location: `memory:${k}` };
    },
    async readDay(chat, date) {
      const day = days.get(key(chat, date));
      return day && copy(day);
    },
    async locate(chat, ids) {
      const wanted = new Set(ids);
      const found = new Map<number, IsoDate>();
      for (const [k, day] of days) {
        if (!k.startsWith(`${chatKey(chat)}/`)) continue;
        for (const m of day.messages) {
          if (m.peer === undefined && wanted.has(m.id)) found.set(m.id, day.date);
        }
      }
      return found;
    },
    async zoneOf(chat) {
      return zones.get(chatKey(chat));
    },
  };
}

/** Complete days kept in a Map. */
export function createMemoryProgress(): ProgressStore {
  const chats = new Map<string, Map<IsoDate, DayProgress>>();
  const zones = new Map<string, string>();
  return {
    async completed(chat, dates, timeZone) {
      const stored = zones.get(chatKey(chat));
      if (timeZone !== undefined && stored !== undefined && stored !== timeZone) {
        throw new ZoneConflictError(chat, stored, timeZone);
      }
      const known = chats.get(chatKey(chat));
      const found = new Map<IsoDate, DayProgress>();
      for (const date of dates) {
        const record = known?.get(date);
        if (record) found.set(date, { ...record });
      }
      return found;
    },
    async markComplete(chat, day) {
      if (day.time_zone !== undefined) claimZone(zones, chat, day.time_zone);
      const k = chatKey(chat);
      const known = chats.get(k) ?? new Map<IsoDate, DayProgress>();
      chats.set(k, known);
      known.set(day.date, { ...day });
    },
  };
}

/** The zone rule (see ports.ts): a chat's first zone is its only one. */
function claimZone(zones: Map<string, string>, chat: ChatRef, timeZone: string): void {
  const k = chatKey(chat);
  const stored = zones.get(k);
  if (stored !== undefined && stored !== timeZone)
    throw new ZoneConflictError(chat, stored, timeZone);
  zones.set(k, timeZone);
}

// Callers get their own copies: a store must not change under them, nor they under it.
function copy(day: DayDocument): DayDocument {
  return structuredClone(day);
}
