import { addDays, type ChatRef, dateInZone, type MessageStore } from '@tgfetch/core';

/** How far back the newest stored message of a chat is looked for, in days. */
export const LOOK_BACK_DAYS = 31;

/**
 * The newest message id `store` holds of `chat` in its last LOOK_BACK_DAYS days, or
 * undefined: where a live follow walks history from when Telegram cannot say what changed
 * (a chat followed for the first time, a difference that was too long). Older days are
 * the business of `fetch`: a chat followed again after months starts from now, and the
 * days between are fetched like any other.
 */
export async function lastStoredId(
  store: MessageStore,
  chat: ChatRef,
  now: number = Date.now(),
): Promise<number | undefined> {
  const zone = (await store.zoneOf?.(chat)) ?? 'UTC';
  let date = dateInZone(now, zone);
  for (let i = 0; i < LOOK_BACK_DAYS; i++) {
    const day = await store.readDay(chat, date);
    const own = day?.messages.filter((m) => m.peer === undefined) ?? [];
    if (own.length > 0) return Math.max(...own.map((m) => m.id));
    date = addDays(date, -1);
  }
  return undefined;
}
