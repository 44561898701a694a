import type { ChatRef, DayProgress, IsoDate } from '@tgfetch/core';
import { isIsoDate } from '@tgfetch/core';

/**
 * `<dataDir>/<chat>/progress.json`: the complete days of one chat.
 *
 * ```json
 * { "chat": "@ru_python", "version": 1,
 *   "days": { "2025-11-07": { "count": 20, "location": "…/discussions_2025-11-07.json",
 *                             "fetched_at": "2025-11-08T00:00:05.000Z" } } }
 * ```
 *
 * Days are keyed by date, written in date order.
 */
export interface ProgressFile {
  chat: ChatRef;
  version: 1;
  days: Record<IsoDate, Omit<DayProgress, 'date'>>;
}

export function emptyProgress(chat: ChatRef): ProgressFile {
  return { chat, version: 1, days: {} };
}

export function encodeProgress(progress: ProgressFile): string {
  const days: ProgressFile['days'] = {};
  for (const date of Object.keys(progress.days).sort()) {
    const day = progress.days[date]!;
    days[date] = { count: day.count, location: day.location, fetched_at: day.fetched_at };
  }
  return `${JSON.stringify({ chat: progress.chat, version: 1, days }, null, 2)}\n`;
}

/** Parses progress.json; throws a plain Error when it is not one. */
export function decodeProgress(text: string): ProgressFile {
  const doc = JSON.parse(text) as Partial<ProgressFile> | null;
  if (typeof doc !== 'object' || doc === null || typeof doc.days !== 'object' || !doc.days) {
    throw new Error('not a progress record');
  }
  for (const [date, day] of Object.entries(doc.days)) {
    if (
      !isIsoDate(date) ||
      typeof day?.count !== 'number' ||
      typeof day.location !== 'string' ||
      typeof day.fetched_at !== 'string'
    ) {
      throw new Error(`bad record for ${date}`);
    }
  }
  return { chat: String(doc.chat), version: 1, days: doc.days };
}

export function progressRecord(progress: ProgressFile, date: IsoDate): DayProgress | undefined {
  const day = progress.days[date];
  return day && { date, count: day.count, location: day.location, fetched_at: day.fetched_at };
}
