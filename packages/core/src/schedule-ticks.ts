import { Cron } from 'croner';
import { BoundedCache } from './bounded-cache.js';

/**
 * When a schedule fires. A tick is an instant in whole seconds (epoch ms):
 * - `every`: the multiples of the period since the Unix epoch (every 10 s fires on :00, :10,
 *   …; every 1 h on the hour, UTC), so every scheduler computes the same ticks without
 *   storing an anchor. Wall-clock times belong to `cron`.
 * - `cron`: croner's reading of the pattern in the schedule's zone, DST-correct: a fixed
 *   time that a spring-forward skips fires right after the gap that day, one that a
 *   fall-back repeats fires once (its first occurrence); interval patterns (`*\/15 * * * *`)
 *   skip the missing hour and fire through both passes of the repeated one.
 */
export interface TickPattern {
  /** A canonical duration (`durationSeconds` reads it). */
  every?: string | undefined;
  cron?: string | undefined;
  /** The zone of `cron`. */
  tz: string;
}

const DURATION = /^(?:(\d{1,6})d)?(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,8})s)?$/;

/** Seconds of a duration (`"90s"`, `"1h30m"`, `"2d"`) or a number of seconds; `undefined` when neither. */
export function durationSeconds(value: string | number): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  }
  const m = DURATION.exec(value.trim());
  if (!m || value.trim() === '') return undefined;
  const [d, h, min, s] = [m[1], m[2], m[3], m[4]].map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
  ];
  const total = d * 86_400 + h * 3_600 + min * 60 + s;
  return total > 0 ? total : undefined;
}

/** The canonical spelling of a number of seconds: `5400` → `"1h30m"`. */
export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.join('') || '0s';
}

// Cron objects parse their pattern once; a scheduler asks the same few many times. Bounded:
// patterns come from producers.
const crons = new BoundedCache<string, Cron>(256);

/** croner's job for a pattern in a zone (no function: it never starts a timer). Throws on a bad pattern. */
export function cronOf(pattern: string, timeZone: string): Cron {
  const key = `${timeZone}\u0000${pattern}`;
  const known = crons.get(key);
  if (known) return known;
  // Without `timezone` croner reads the pattern in the host's zone: never leave it out.
  const cron = new Cron(pattern, { timezone: timeZone, mode: '5-or-6-parts', paused: true });
  crons.set(key, cron);
  return cron;
}

function periodMs(pattern: TickPattern): number | undefined {
  if (pattern.every === undefined) return undefined;
  const seconds = durationSeconds(pattern.every);
  if (seconds === undefined) throw new RangeError(`not a duration: ${pattern.every}`);
  return seconds * 1000;
}

/** The first tick strictly after `after` (epoch ms); `undefined` when the pattern fires no more. */
export function nextTick(pattern: TickPattern, after: number): number | undefined {
  const period = periodMs(pattern);
  if (period !== undefined) return Math.floor(after / period) * period + period;
  if (pattern.cron === undefined) return undefined;
  return cronOf(pattern.cron, pattern.tz).nextRun(new Date(after))?.getTime();
}

/** The last tick at or before `at` (epoch ms); `undefined` when there was none. */
export function tickAtOrBefore(pattern: TickPattern, at: number): number | undefined {
  const period = periodMs(pattern);
  if (period !== undefined) return Math.floor(at / period) * period;
  if (pattern.cron === undefined) return undefined;
  // croner's previous runs are strictly before the reference's whole second.
  const reference = Math.floor(at / 1000) * 1000 + 1000;
  return cronOf(pattern.cron, pattern.tz).previousRuns(1, new Date(reference))[0]?.getTime();
}

/**
 * Ticks in `[from, to]`, counted up to `cap` (a cron pattern is walked tick by tick; a
 * period is divided). Tells how many missed ticks one run stood for.
 */
export function countTicks(pattern: TickPattern, from: number, to: number, cap = 1000): number {
  if (to < from) return 0;
  const period = periodMs(pattern);
  if (period !== undefined) {
    const first = Math.ceil(from / period);
    return Math.min(cap, Math.floor(to / period) - first + 1);
  }
  let count = 0;
  let tick = tickAtOrBefore(pattern, from) === from ? from : nextTick(pattern, from);
  while (tick !== undefined && tick <= to && count < cap) {
    count++;
    tick = nextTick(pattern, tick);
  }
  return count;
}

/**
 * A schedule's own delay after each of its ticks, in `[0, jitterMs)`: the same for a name on
 * every scheduler (a 32-bit FNV-1a hash of it), so that many schedules on one minute are
 * spread over `jitterMs` instead of all pushing at its first instant.
 */
export function jitterOffset(name: string, jitterMs: number): number {
  if (!(jitterMs >= 1)) return 0;
  return fnv1a32(name) % Math.floor(jitterMs);
}

/** 32-bit FNV-1a of the string's UTF-16 code units, unsigned. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
