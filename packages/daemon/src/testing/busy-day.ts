import { createSimulatedTelegram } from '@tgfetch/telegram/testing';

const DAY_MS = 86_400_000;

/**
 * The first UTC date, `daysAgo` days back or earlier, on which the simulated Telegram's chat
 * `name` has messages (with the daemon's default seed). About one day in sixteen of a
 * simulated chat holds none, so a test that needs messages on a date fixed relative to today
 * would otherwise fail on some dates of the calendar.
 */
export function busyDate(name: string, daysAgo = 1): string {
  const telegram = createSimulatedTelegram();
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  for (let back = daysAgo; back < daysAgo + 60; back++) {
    const from = today - back * DAY_MS;
    if (telegram.chat(name).messages({ from, to: from + DAY_MS }).length > 0)
      return new Date(from).toISOString().slice(0, 10);
  }
  throw new Error(`the simulated chat ${name} has no messages in 60 days`);
}

/** A chat of the simulated Telegram, named from `base`, whose yesterday (UTC) holds messages. */
export function busyYesterday(base: string): string {
  const yesterday = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS)
    .toISOString()
    .slice(0, 10);
  for (let i = 0; i < 100; i++) {
    const name = i === 0 ? base : `${base}${i}`;
    if (busyDate(name) === yesterday) return name;
  }
  throw new Error(`no simulated chat named from ${base} has messages yesterday`);
}
