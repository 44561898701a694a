import { hash32, mulberry32 } from './prng.js';

const DAY = 86_400;

export type SimulatedChatKind = 'channel' | 'supergroup';

export interface ChatPlanOptions {
  seed: number;
  /** End of history, epoch ms (exclusive). */
  now: number;
  historyDays: number;
  messagesPerDay: number;
  kind?: SimulatedChatKind;
}

/**
 * The shape of one generated chat: who it is and how many ids each day holds. Only this
 * (a few numbers per day) is kept per chat; the dates of a day are generated when a request
 * touches it and the messages themselves when a page is built, so a chat of a million
 * messages costs a few kilobytes until it is read.
 */
export interface ChatPlan {
  username: string;
  title: string;
  kind: SimulatedChatKind;
  /** Chat seed: every detail of the chat derives from it. */
  seed: number;
  channelId: string;
  accessHash: string;
  /** Epoch seconds: history covers [startSec, endSec); startSec is a UTC midnight. */
  startSec: number;
  endSec: number;
  days: number;
  /** `dayStart[d]` is the first id of day d; `dayStart[days]` is one past today's last slot. */
  dayStart: number[];
  /** The newest id dated before `endSec`. */
  lastId: number;
}

/**
 * Epoch day of 2013-08-14, when Telegram launched: every simulated chat counts its ids from
 * here, so a day's ids and messages depend on the calendar alone, never on the moment the
 * process started. No simulated history is older.
 */
const ORIGIN_DAY = 15_931;

/** How many ids a UTC day holds: uneven, some silent, most near the mean, a few busy. */
function daySlots(seed: number, epochDay: number, messagesPerDay: number): number {
  const random = mulberry32(hash32(seed, 'day', epochDay));
  return random() < 0.06 ? 0 : Math.round((messagesPerDay / 0.94) * -Math.log(1 - random()));
}

export function planChat(username: string, options: ChatPlanOptions): ChatPlan {
  const seed = hash32(options.seed, username.toLowerCase());
  const endSec = Math.floor(options.now / 1000);
  // Days are UTC days on the calendar; the last one, today, is cut at `now`.
  const today = Math.floor(endSec / DAY);
  const firstDay = Math.max(ORIGIN_DAY, today - Math.max(1, Math.floor(options.historyDays)));
  const days = today - firstDay + 1;
  // Ids before the visible history still count, so a day keeps its ids as history slides.
  let first = 1;
  for (let d = ORIGIN_DAY; d < firstDay; d++) first += daySlots(seed, d, options.messagesPerDay);
  const dayStart = [first];
  for (let d = 0; d < days; d++) {
    dayStart.push(dayStart[d]! + daySlots(seed, firstDay + d, options.messagesPerDay));
  }
  const kind = options.kind ?? (seed % 2 === 0 ? 'channel' : 'supergroup');
  const plan: ChatPlan = {
    username: username.toLowerCase(),
    title: `${kind === 'channel' ? 'Channel' : 'Group'} ${username}`,
    kind,
    seed,
    channelId: String(1_000_000_000 + (hash32(seed, 'id') % 900_000_000)),
    accessHash: String((BigInt(hash32(seed, 'hash')) << 31n) ^ BigInt(hash32(seed, 'hash2'))),
    startSec: firstDay * DAY,
    endSec,
    days,
    dayStart,
    lastId: 0,
  };
  // Today holds only the messages dated before `now`: only today grows.
  const todays = dayDates(plan, days - 1);
  let visible = 0;
  while (visible < todays.length && todays[visible]! < endSec) visible++;
  plan.lastId = dayStart[days - 1]! + visible - 1;
  return plan;
}

export function lastId(plan: ChatPlan): number {
  return plan.lastId;
}

/** The oldest id of the visible history (older ids belong to days before it). */
export function firstId(plan: ChatPlan): number {
  return plan.dayStart[0]!;
}

/** The ids Telegram lost: deleted messages leave gaps in the id sequence. */
export function isDeleted(plan: ChatPlan, id: number): boolean {
  return hash32(plan.seed, 'deleted', id) % 100 < 4;
}

/** The dates of one day's ids, ascending (several messages may share a second). */
export function dayDates(plan: ChatPlan, day: number): Float64Array {
  const count = plan.dayStart[day + 1]! - plan.dayStart[day]!;
  const base = plan.startSec + day * DAY;
  const random = mulberry32(hash32(plan.seed, 'dates', base / DAY));
  const dates = new Float64Array(count);
  for (let i = 0; i < count; i++) dates[i] = base + Math.floor(random() * DAY);
  return dates.sort();
}

/** The day holding `id` (binary search over `dayStart`). */
export function dayOf(plan: ChatPlan, id: number): number {
  let lo = 0;
  let hi = plan.days - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (plan.dayStart[mid]! <= id) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
