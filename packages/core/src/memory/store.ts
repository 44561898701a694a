import { type ChatRef, chatKey } from '../chat.js';
import type { DayDocument, DayProgress } from '../day.js';
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
  const key = (chat: ChatRef, date: IsoDate) => `${chatKey(chat)}/${date}`;
  return {
    days: () => [...days.values()].map(copy),
    async writeDay(day) {
      const k = key(day.chat, day.date);
      const old = days.get(k);
      const messages = mergeMessages(old?.messages ?? [], day.messages);
      days.set(
        k,
        copy({
          ...day,
          complete: day.complete || (old?.complete ?? false),
          count: messages.length,
          messages,
        }),
      );
      return { count: messages.length, location: `memory:${k}` };
    },
    async readDay(chat, date) {
      const day = days.get(key(chat, date));
      return day && copy(day);
    },
  };
}

/** Complete days kept in a Map. */
export function createMemoryProgress(): ProgressStore {
  const chats = new Map<string, Map<IsoDate, DayProgress>>();
  return {
    async completed(chat, dates) {
      const known = chats.get(chatKey(chat));
      const found = new Map<IsoDate, DayProgress>();
      for (const date of dates) {
        const record = known?.get(date);
        if (record) found.set(date, { ...record });
      }
      return found;
    },
    async markComplete(chat, day) {
      const k = chatKey(chat);
      const known = chats.get(k) ?? new Map<IsoDate, DayProgress>();
      chats.set(k, known);
      known.set(day.date, { ...day });
    },
  };
}

// Callers get their own copies: a store must not change under them, nor they under it.
function copy(day: DayDocument): DayDocument {
  return structuredClone(day);
}
