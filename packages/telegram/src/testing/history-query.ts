import { type ChatPlan, firstId, isDeleted, lastId } from './chat-plan.js';
import type { DateIndex } from './dates.js';

export interface HistoryQuery {
  offsetId: number;
  offsetDate: number;
  addOffset: number;
  limit: number;
  maxId: number;
  minId: number;
}

/**
 * The ids `messages.GetHistory` answers, newest first, as Telegram documents it: the page
 * starts just below `offset_id` (or below the first message dated at or after
 * `offset_date`; the newest when both are 0), moved by `add_offset` (negative values reach
 * newer messages), holds at most `limit` messages, and never leaves `min_id < id < max_id`.
 */
export function queryHistory(
  plan: ChatPlan,
  dates: DateIndex,
  query: HistoryQuery,
  maxLimit: number,
): number[] {
  const top = lastId(plan) + 1;
  const upper = Math.min(top, query.maxId > 0 ? query.maxId : top);
  const lower = Math.max(firstId(plan) - 1, query.minId);
  let start =
    query.offsetId > 0
      ? query.offsetId
      : query.offsetDate > 0
        ? dates.idsBefore(query.offsetDate)
        : top;
  start = Math.min(start, upper);
  const limit = Math.max(0, Math.min(query.limit > 0 ? query.limit : maxLimit, maxLimit));
  const ids: number[] = [];
  let add = query.addOffset;
  if (add < 0) {
    // Newer messages first: step up -add_offset visible ids above the start.
    let id = start;
    const newer: number[] = [];
    while (add < 0 && id < upper) {
      if (!isDeleted(plan, id)) {
        newer.push(id);
        add++;
      }
      id++;
    }
    ids.push(...newer.reverse().slice(-limit));
  }
  let id = start - 1;
  while (add > 0 && id > lower) {
    if (!isDeleted(plan, id)) add--;
    id--;
  }
  for (; ids.length < limit && id > lower; id--) {
    if (!isDeleted(plan, id)) ids.push(id);
  }
  return ids.slice(0, limit);
}
