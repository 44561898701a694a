import type { IsoDate } from '@tgfetch/core';

/** The chat's own message ids of one stored day (none when it holds none of its own). */
export type DayIds = ReadonlySet<number>;

interface Span {
  min: number;
  max: number;
  ids: DayIds;
}

/**
 * The day each id is stored in, found by bisection over the chat's days (sorted): Telegram
 * gives a chat's messages growing ids, so the days' id ranges are in date order too, and
 * each id costs the reading of about log2(days) days (days with none of the chat's own
 * messages are stepped over). Each day is read at most once per call. An id is reported
 * only when a day holds it: an id out of order (history imported with old dates) may be
 * missed, never put in a wrong day.
 */
export async function locateIds(
  dates: readonly IsoDate[],
  ids: readonly number[],
  read: (date: IsoDate) => Promise<DayIds>,
): Promise<Map<number, IsoDate>> {
  const spans = new Map<number, Span | null>();
  const spanAt = async (i: number): Promise<Span | null> => {
    const known = spans.get(i);
    if (known !== undefined) return known;
    const own = await read(dates[i]!);
    let span: Span | null = null;
    for (const id of own) {
      span ??= { min: id, max: id, ids: own };
      if (id < span.min) span.min = id;
      if (id > span.max) span.max = id;
    }
    spans.set(i, span);
    return span;
  };
  /** The day in [lo, hi] nearest to `mid` that holds own messages, or -1. */
  const nearest = async (mid: number, lo: number, hi: number): Promise<number> => {
    for (let d = 0; mid - d >= lo || mid + d <= hi; d++) {
      if (mid - d >= lo && (await spanAt(mid - d))) return mid - d;
      if (d > 0 && mid + d <= hi && (await spanAt(mid + d))) return mid + d;
    }
    return -1;
  };
  const find = async (id: number): Promise<IsoDate | undefined> => {
    let lo = 0;
    let hi = dates.length - 1;
    while (lo <= hi) {
      const at = await nearest((lo + hi) >> 1, lo, hi);
      if (at < 0) return undefined;
      const span = (await spanAt(at))!;
      if (id < span.min) hi = at - 1;
      else if (id > span.max) lo = at + 1;
      else return span.ids.has(id) ? dates[at] : undefined;
    }
    return undefined;
  };
  const found = new Map<number, IsoDate>();
  for (const id of new Set(ids)) {
    if (!Number.isSafeInteger(id)) continue;
    const date = await find(id);
    if (date !== undefined) found.set(id, date);
  }
  return found;
}
