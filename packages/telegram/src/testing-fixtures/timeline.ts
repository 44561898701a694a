import { AbortError, type Clock } from '@tgfetch/core';

/**
 * Virtual time for tasks that run at once (several chats through one pacer): a sleep ends
 * only when every task is waiting and it is the earliest due, so concurrent sleeps overlap
 * as they would on a real clock instead of adding up. For pacing tests: nothing real waits.
 */
export interface Timeline extends Clock {
  /** Runs `work` to its end, moving time from one due sleep to the next. */
  run<T>(work: Promise<T>): Promise<T>;
}

interface Sleeper {
  until: number;
  order: number;
  wake: () => void;
}

/** Turns of the event loop a task may take without sleeping before it counts as stuck. */
const IDLE_TURNS = 50;

export function createTimeline(start = Date.parse('2026-01-01T00:00:00Z')): Timeline {
  let now = start;
  let order = 0;
  const sleepers = new Set<Sleeper>();
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(new AbortError());
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          sleepers.delete(sleeper);
          reject(new AbortError());
        };
        const sleeper: Sleeper = {
          until: now + Math.max(0, ms),
          order: order++,
          wake: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        sleepers.add(sleeper);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    async run(work) {
      let finished = false;
      const done = work.finally(() => {
        finished = true;
      });
      done.catch(() => {});
      let idle = 0;
      while (!finished) {
        await turn();
        if (finished) break;
        let next: Sleeper | undefined;
        for (const s of sleepers) {
          if (!next || s.until < next.until || (s.until === next.until && s.order < next.order)) {
            next = s;
          }
        }
        if (!next) {
          if (++idle > IDLE_TURNS)
            throw new Error('timeline: every task waits on something other than time');
          continue;
        }
        idle = 0;
        sleepers.delete(next);
        now = Math.max(now, next.until);
        next.wake();
      }
      return done;
    },
  };
}
