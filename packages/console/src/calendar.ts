import { addDays, type ChatRef, type IsoDate } from '@tgfetch/core';
import type { DayNote } from './event-index.js';
import type { ConsoleStore } from './ports.js';

/**
 * What a calendar shows of one day:
 * - `stored`: stored complete;
 * - `partial`: stored, not complete (today, cut by a limit, a source's edge day);
 * - `repaired`: stored, after a copy was found missing, corrupt or unlike its record;
 * - `missing`: not stored, between the chat's first stored day and yesterday;
 * - `not_covered`: not stored, before the chat's first stored day, or a day its source
 *   said it does not hold;
 * - `future`: not over yet and not stored.
 */
export type DayState = 'stored' | 'partial' | 'repaired' | 'missing' | 'not_covered' | 'future';

export const DAY_STATES: readonly DayState[] = [
  'stored',
  'partial',
  'repaired',
  'missing',
  'not_covered',
  'future',
];

export interface CalendarDay {
  date: IsoDate;
  state: DayState;
  /** Messages stored that day (0 when none is). */
  count: number;
  repair?: string;
}

/** What the store holds of a chat, read once for its page. */
export interface ChatHoldings {
  chat: ChatRef;
  zone: string | undefined;
  /** Every stored date, sorted. */
  dates: IsoDate[];
  /** Complete days with their counts. */
  complete: Map<IsoDate, number>;
}

export async function holdingsOf(store: ConsoleStore, chat: ChatRef): Promise<ChatHoldings> {
  const [dates, progress, zone] = await Promise.all([
    store.listDays(chat),
    store.listProgress ? store.listProgress(chat) : Promise.resolve(undefined),
    store.zoneOf ? store.zoneOf(chat) : Promise.resolve(undefined),
  ]);
  const complete = new Map<IsoDate, number>();
  for (const p of progress ?? []) complete.set(p.date, p.count);
  return { chat, zone, dates, complete };
}

/** The dates from `from` to `to`, both included. */
export function datesBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = from; d <= to && out.length < 400; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * The days of `from`..`to` with their states. Complete days are counted from the progress
 * record; a stored day without one is read (a store without progress: every stored day),
 * so the cost is one read per partial day of the range.
 */
export async function calendarDays(
  store: ConsoleStore,
  holdings: ChatHoldings,
  from: IsoDate,
  to: IsoDate,
  todayDate: IsoDate,
  notes: ReadonlyMap<string, DayNote> | undefined,
): Promise<CalendarDay[]> {
  const stored = new Set(holdings.dates);
  const first = holdings.dates[0];
  const tracked = store.listProgress !== undefined;
  return Promise.all(
    datesBetween(from, to).map(async (date): Promise<CalendarDay> => {
      const n = notes?.get(date);
      if (stored.has(date)) {
        let count = holdings.complete.get(date);
        let complete = count !== undefined;
        if (count === undefined) {
          const day = await store.readDay(holdings.chat, date).catch(() => undefined);
          count = day?.count ?? 0;
          complete = !tracked && day?.complete === true;
        }
        const state: DayState = n?.repair ? 'repaired' : complete ? 'stored' : 'partial';
        return { date, state, count, ...(n?.repair ? { repair: n.repair } : {}) };
      }
      if (date >= todayDate) return { date, state: 'future', count: 0 };
      if (n?.notCovered || first === undefined || date < first) {
        return { date, state: 'not_covered', count: 0 };
      }
      return { date, state: 'missing', count: 0 };
    }),
  );
}

/** Runs of consecutive missing days: one fetch command each. */
export function missingRuns(days: readonly CalendarDay[]): Array<{ from: IsoDate; to: IsoDate }> {
  const runs: Array<{ from: IsoDate; to: IsoDate }> = [];
  for (const day of days) {
    if (day.state !== 'missing') continue;
    const last = runs.at(-1);
    if (last && addDays(last.to, 1) === day.date) last.to = day.date;
    else runs.push({ from: day.date, to: day.date });
  }
  return runs;
}
