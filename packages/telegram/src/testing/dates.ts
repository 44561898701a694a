import { type ChatPlan, dayDates, dayOf, firstId, lastId } from './chat-plan.js';

const DAY = 86_400;

/** Dates of ids, generating each day's block on first use and keeping the few most recent. */
export interface DateIndex {
  dateOf(id: number): number;
  /** The first id dated at or after `sec`: every id below it is dated before. */
  idsBefore(sec: number): number;
}

export function createDateIndex(plan: ChatPlan, cacheDays = 16): DateIndex {
  const blocks = new Map<number, Float64Array>();
  const block = (day: number) => {
    let dates = blocks.get(day);
    if (dates) {
      blocks.delete(day);
    } else {
      dates = dayDates(plan, day);
      if (blocks.size >= cacheDays) blocks.delete(blocks.keys().next().value!);
    }
    blocks.set(day, dates);
    return dates;
  };
  return {
    dateOf(id) {
      const day = dayOf(plan, id);
      return block(day)[id - plan.dayStart[day]!]!;
    },
    idsBefore(sec) {
      if (sec <= plan.startSec) return firstId(plan);
      if (sec >= plan.endSec) return lastId(plan) + 1;
      const day = Math.floor((sec - plan.startSec) / DAY);
      const dates = block(day);
      let lo = 0;
      let hi = dates.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (dates[mid]! < sec) lo = mid + 1;
        else hi = mid;
      }
      return plan.dayStart[day]! + lo;
    },
  };
}
