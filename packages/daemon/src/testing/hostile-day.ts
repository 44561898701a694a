import type { DayDocument, IsoDate, TgMessage } from '@tgfetch/core';

const HOSTILE_TEXT =
  '<script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned=2">';

/**
 * A stored day of hostile messages, for the console to keep inert: markup in the text, a
 * `javascript:` link, a right-to-left override in a name, a 64 KB line.
 */
export function hostileDay(chat: string, date: IsoDate): DayDocument {
  const at = (h: number) => `${date}T${String(h).padStart(2, '0')}:00:00Z`;
  const messages: TgMessage[] = [
    { id: 1, date: at(8), chat, from: { kind: 'user', id: 7 }, text: HOSTILE_TEXT },
    {
      id: 2,
      date: at(9),
      chat,
      from: { kind: 'user', id: 8 },
      text: 'open me please',
      entities: [{ type: 'text_url', offset: 0, length: 7, url: 'javascript:window.__pwned=3' }],
      post_author: 'abc\u202Egnp.exe',
      reply_to: 1,
    },
    { id: 3, date: at(10), chat, from: { kind: 'user', id: 9 }, text: `${'x'.repeat(65_536)} end` },
  ];
  return {
    chat,
    date,
    time_zone: 'UTC',
    fetched_at: new Date().toISOString(),
    complete: true,
    count: messages.length,
    messages,
  };
}
