import type { ChatRef } from './chat.js';
import { type FetchCommand, parseCommand } from './command.js';
import { fnv1a32 } from './schedule-ticks.js';
import type { Schedule } from './schedules.js';
import { addDays, dateInZone, daysBetween, type IsoDate } from './time-zone.js';

/**
 * What one tick of a schedule runs: one fetch command per chat, for days fixed by the tick
 * (not by when a worker gets to it), under an id made of the schedule's name, the tick and
 * the chat, so that a command pushed twice for one tick is the same command twice.
 */

const ID_PREFIX = 'sched:';
const MAX_ID_LENGTH = 128;
const ID = /^sched:([A-Za-z0-9][A-Za-z0-9_.-]{0,63}):(\d{8}T\d{6}Z):(.+)$/;

/** `20251108T060000Z`: a tick as the command ids spell it. */
function compactTick(tick: number): string {
  return new Date(tick)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/**
 * `sched:<name>:<tick>:<chat>` (`sched:news:20251108T060000Z:@ru_python`). Where that would
 * pass the 128 characters of a `command_id`, the chat is its hash (`#` and 8 hex digits).
 */
export function scheduleCommandId(name: string, tick: number, chat: ChatRef): string {
  const id = `${ID_PREFIX}${name}:${compactTick(tick)}:${chat}`;
  if (id.length <= MAX_ID_LENGTH) return id;
  const hash = fnv1a32(chat).toString(16).padStart(8, '0');
  return `${ID_PREFIX}${name}:${compactTick(tick)}:#${hash}`;
}

/** The schedule and tick a command id of `scheduleCommandId` names; `undefined` for any other id. */
export function parseScheduleCommandId(id: string): { name: string; tick: number } | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  const t = m[2] as string;
  const tick = Date.parse(
    `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}Z`,
  );
  return Number.isNaN(tick) ? undefined : { name: m[1] as string, tick };
}

/** The zone a schedule's days are cut in. */
export function scheduleDaysZone(schedule: Schedule): string {
  return schedule.options.tz ?? schedule.tz;
}

/**
 * The days one tick fetches, first and last inclusive, in `scheduleDaysZone`: see
 * `Schedule.days`. `previousTick` is the tick of the schedule's last run (for
 * `since_last_run`; none: the first run).
 */
export function tickDays(
  schedule: Schedule,
  tick: number,
  previousTick?: number,
): { from: IsoDate; to: IsoDate } {
  const zone = scheduleDaysZone(schedule);
  const today = dateInZone(tick, zone);
  const to = schedule.options.include_today ? today : addDays(today, -1);
  if (schedule.days !== 'since_last_run') {
    return { from: addDays(today, -schedule.days), to };
  }
  const max = schedule.max_days ?? 1;
  // The previous run's own day was today then (incomplete, or not fetched at all): from it on.
  let from = previousTick === undefined ? to : dateInZone(previousTick, zone);
  if (from > to) from = to;
  if (daysBetween(from, to) >= max) from = addDays(to, 1 - max);
  return { from, to };
}

export interface TickCommandsOptions {
  /** The tick of the schedule's previous run (`since_last_run` counts from it). */
  previousTick?: number;
}

/**
 * The fetch commands of one tick, one per chat, normalised by `parseCommand` exactly as a
 * producer's would be (`JSON.stringify` of each is what goes on the queue). One day is mode
 * `date`, more are mode `range`; `options.tz` is always the zone the days were cut in, so a
 * worker with another default zone fetches the same days.
 */
export function commandsForTick(
  schedule: Schedule,
  tick: number,
  options: TickCommandsOptions = {},
): FetchCommand[] {
  const zone = scheduleDaysZone(schedule);
  const { from, to } = tickDays(schedule, tick, options.previousTick);
  const span = from === to ? { mode: 'date', date: from } : { mode: 'range', from, to };
  return schedule.chats.map((chat) => {
    const parsed = parseCommand(
      {
        command: 'fetch',
        command_id: scheduleCommandId(schedule.name, tick, chat),
        chat,
        ...span,
        ...(schedule.strategy === undefined ? {} : { strategy: schedule.strategy }),
        ...(schedule.limit === undefined ? {} : { limit: schedule.limit }),
        options: { ...schedule.options, tz: zone },
        requested_by: `schedule:${schedule.name}`,
        timestamp: new Date(tick).toISOString(),
      },
      { now: tick, timeZone: zone },
    );
    // A parsed schedule only ever makes valid commands: a rejection here is a bug.
    if (!parsed.ok) throw parsed.error;
    return parsed.command;
  });
}
