import { Api } from 'telegram';

/** The paging parameters history-like requests share (`getHistory`, `getReplies`). */
export interface PageQuery {
  offsetId?: number;
  offsetDate?: number;
  addOffset?: number;
  limit?: number;
  maxId?: number;
  minId?: number;
}

/**
 * A page of `messages`, newest first, as Telegram's offset rule pages it
 * (core.telegram.org/api/offsets): the page starts at offsetFromID(offset_id) + add_offset,
 * where offsetFromID counts the messages from the newest down to offset_id inclusive (or
 * those dated at or after offset_date; none when both are 0), so a negative add_offset
 * reaches newer messages and `offset_id` X with `add_offset` −N gives X and the messages
 * above it; then at most `limit` (≤ 100), and never outside `min_id < id < max_id`.
 */
export function historyPage(messages: readonly Api.TypeMessage[], query: PageQuery) {
  const sorted = [...messages].sort((a, b) => b.id - a.id);
  const offsetId = query.offsetId ?? 0;
  const offsetDate = query.offsetDate ?? 0;
  let start = 0;
  if (offsetId > 0 || offsetDate > 0) {
    const at = sorted.findIndex((m) => (offsetId > 0 ? m.id < offsetId : dateOf(m) < offsetDate));
    start = at === -1 ? sorted.length : at;
  }
  start = Math.max(0, start + (query.addOffset ?? 0));
  const limit = Math.min(query.limit && query.limit > 0 ? query.limit : 100, 100);
  const maxId = query.maxId ?? 0;
  const minId = query.minId ?? 0;
  return sorted
    .slice(start, start + limit)
    .filter((m) => (maxId === 0 || m.id < maxId) && m.id > minId);
}

function dateOf(message: Api.TypeMessage): number {
  return message instanceof Api.MessageEmpty ? 0 : message.date;
}
