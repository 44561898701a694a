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
  /** Epoch seconds: history covers [startSec, endSec). */
  startSec: number;
  endSec: number;
  days: number;
  /** `dayStart[d]` is the first id of day d; `dayStart[days]` is one past the last id. */
  dayStart: number[];
}

export function planChat(username: string, options: ChatPlanOptions): ChatPlan {
  const seed = hash32(options.seed, username.toLowerCase());
  const endSec = Math.floor(options.now / 1000);
  const days = Math.max(1, Math.floor(options.historyDays));
  const dayStart = [1];
  for (let d = 0; d < days; d++) {
    const random = mulberry32(hash32(seed, 'day', d));
    // Uneven days: some silent, most around the mean, a few busy (exponential weights).
    const slots =
      random() < 0.06 ? 0 : Math.round((options.messagesPerDay / 0.94) * -Math.log(1 - random()));
    dayStart.push(dayStart[d]! + slots);
  }
  const kind = options.kind ?? (seed % 2 === 0 ? 'channel' : 'supergroup');
  return {
    username: username.toLowerCase(),
    title: `${kind === 'channel' ? 'Channel' : 'Group'} ${username}`,
    kind,
    seed,
    channelId: String(1_000_000_000 + (hash32(seed, 'id') % 900_000_000)),
    accessHash: String((BigInt(hash32(seed, 'hash')) << 31n) ^ BigInt(hash32(seed, 'hash2'))),
    startSec: endSec - days * DAY,
    endSec,
    days,
    dayStart,
  };
}

export function lastId(plan: ChatPlan): number {
  return plan.dayStart[plan.days]! - 1;
}

/** The ids Telegram lost: deleted messages leave gaps in the id sequence. */
export function isDeleted(plan: ChatPlan, id: number): boolean {
  return hash32(plan.seed, 'deleted', id) % 100 < 4;
}

/** The dates of one day's ids, ascending (several messages may share a second). */
export function dayDates(plan: ChatPlan, day: number): Float64Array {
  const count = plan.dayStart[day + 1]! - plan.dayStart[day]!;
  const random = mulberry32(hash32(plan.seed, 'dates', day));
  const dates = new Float64Array(count);
  const base = plan.startSec + day * DAY;
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
