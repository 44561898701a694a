import type { ChatRef, IsoDate, TgMessage } from '@tgfetch/core';
import type { ConsoleStore, FoundMessage, MessageSearch } from './ports.js';

/** What a scan cost, said on the page. */
export interface ScanCost {
  daysRead: number;
  /** Days in the range that were not read (the bound, or the deadline, came first). */
  daysLeft: number;
  stoppedBy?: 'days' | 'results' | 'time';
  ms: number;
}

export interface ScanBounds {
  maxDays: number;
  maxResults: number;
  timeoutMs: number;
}

/** Lower-case words of a query; quoted phrases stay whole, `-word` excludes. */
export function queryTerms(text: string | undefined): { all: string[]; none: string[] } {
  const all: string[] = [];
  const none: string[] = [];
  for (const match of (text ?? '').toLowerCase().matchAll(/(-?)"([^"]+)"|(-?)(\S+)/g)) {
    const negative = (match[1] ?? match[3]) === '-';
    const term = (match[2] ?? match[4] ?? '').trim();
    if (term.length === 0) continue;
    (negative ? none : all).push(term);
  }
  return { all: all.slice(0, 20), none: none.slice(0, 20) };
}

export function messageMatches(
  m: TgMessage,
  terms: { all: string[]; none: string[] },
  sender: string | undefined,
): boolean {
  if (sender) {
    const s = sender.toLowerCase();
    const from = m.from_id === undefined || m.from_id === null ? '' : String(m.from_id);
    const author = typeof m.post_author === 'string' ? m.post_author.toLowerCase() : '';
    if (from !== sender && author !== s) return false;
  }
  if (terms.all.length === 0 && terms.none.length === 0) return true;
  const text = typeof m.text === 'string' ? m.text.toLowerCase() : '';
  return terms.all.every((t) => text.includes(t)) && !terms.none.some((t) => text.includes(t));
}

/**
 * A search without an index: the stored days of the range, newest first, read one at a
 * time and matched in memory, bounded in days read, results and time. Found messages are
 * yielded as they come, so the page streams; the cost is the generator's return value.
 */
export async function* scanSearch(
  store: ConsoleStore,
  search: MessageSearch,
  bounds: ScanBounds,
  now: () => number = Date.now,
): AsyncGenerator<FoundMessage, ScanCost> {
  const started = now();
  const chats: ChatRef[] = search.chat ? [search.chat] : await store.listChats();
  const days: Array<{ chat: ChatRef; date: IsoDate }> = [];
  for (const chat of chats) {
    for (const date of await store.listDays(chat)) {
      if (search.from && date < search.from) continue;
      if (search.to && date > search.to) continue;
      days.push({ chat, date });
    }
  }
  days.sort((a, b) => (a.date === b.date ? (a.chat < b.chat ? -1 : 1) : a.date < b.date ? 1 : -1));
  const terms = queryTerms(search.text);
  const sender = search.sender?.trim() || undefined;
  let found = 0;
  let read = 0;
  const cost = (stoppedBy?: ScanCost['stoppedBy']): ScanCost => ({
    daysRead: read,
    daysLeft: days.length - read,
    ...(stoppedBy ? { stoppedBy } : {}),
    ms: now() - started,
  });
  for (const { chat, date } of days) {
    if (read >= bounds.maxDays) return cost('days');
    if (now() - started > bounds.timeoutMs) return cost('time');
    read += 1;
    const day = await store.readDay(chat, date).catch(() => undefined);
    const messages = [...(day?.messages ?? [])].reverse();
    for (const message of messages) {
      if (!messageMatches(message, terms, sender)) continue;
      yield { chat, date, message };
      found += 1;
      if (found >= bounds.maxResults) return cost('results');
    }
  }
  return cost();
}
