import type { FetchCommand } from './command.js';
import type { DayWindow } from './day.js';
import { addDays, dateInZone, daysBetween, type IsoDate, startOfDay } from './time-zone.js';

export interface PlanOptions {
  /** Epoch ms. */
  now: number;
  /** IANA zone of the days; `options.tz` of the command wins over it. Default `UTC`. */
  timeZone?: string;
}

/** The zone a command's days are cut in. */
export function commandTimeZone(command: FetchCommand, fallback = 'UTC'): string {
  return command.options.tz ?? fallback;
}

/**
 * The days a command covers, oldest first. `days: N` means the N complete days before
 * today (plus today when `include_today`); a day is `ended` when its last instant is
 * before `now`, so today never is.
 */
export function planDays(command: FetchCommand, options: PlanOptions): DayWindow[] {
  const timeZone = commandTimeZone(command, options.timeZone);
  const today = dateInZone(options.now, timeZone);
  let first: IsoDate;
  let last: IsoDate;
  switch (command.mode) {
    case 'date':
      first = last = command.date;
      break;
    case 'range':
      first = command.from;
      last = command.to;
      break;
    case 'days':
      first = addDays(today, -command.days);
      last = command.options.include_today ? today : addDays(today, -1);
      break;
  }
  const count = daysBetween(first, last) + 1;
  const days: DayWindow[] = [];
  let start = startOfDay(first, timeZone);
  for (let i = 0; i < count; i++) {
    const date = addDays(first, i);
    const end = startOfDay(addDays(date, 1), timeZone);
    days.push({ date, start, end, ended: end <= options.now });
    start = end;
  }
  return days;
}
