import { parseCommand } from '@tgfetch/core';

const DAY = 86_400_000;
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

/** A validated `range` command over the UTC days of [fromMs, toMs). */
export function rangeCommand(chat, fromMs, toMs, strategy) {
  const parsed = parseCommand(
    { command: 'fetch', chat, mode: 'range', from: iso(fromMs), to: iso(toMs - DAY), strategy },
    { now: Date.now(), timeZone: 'UTC' },
  );
  if (!parsed.ok) throw parsed.error;
  return parsed.command;
}
