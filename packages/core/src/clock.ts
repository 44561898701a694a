import { AbortError } from './errors.js';
import type { Clock } from './ports.js';

/** The real clock: `Date.now` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new AbortError());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new AbortError());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A clock that only moves when asked to. By default it jumps straight to the end of every
 * sleep: tests of a ten-minute flood wait finish at once and can still check how long the
 * engine meant to wait (`slept`). With `autoAdvance: false` a sleep lasts until `advance`
 * has moved the clock past its end, so a test decides when a wait is over.
 */
export interface VirtualClock extends Clock {
  /** Every sleep requested, in ms, in order. */
  readonly slept: number[];
  /** Moves the clock on, ending the sleeps that are due by then. */
  advance(ms: number): void;
}

export interface VirtualClockOptions {
  /** End every sleep at once, moving the clock by its length. @default true */
  autoAdvance?: boolean;
}

export function createVirtualClock(
  start = Date.parse('2025-11-08T12:00:00Z'),
  options: VirtualClockOptions = {},
): VirtualClock {
  const autoAdvance = options.autoAdvance ?? true;
  let now = start;
  const slept: number[] = [];
  const sleeping = new Set<{ until: number; wake: () => void }>();
  return {
    slept,
    now: () => now,
    advance(ms) {
      now += ms;
      for (const sleeper of sleeping) if (sleeper.until <= now) sleeper.wake();
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw new AbortError();
      slept.push(ms);
      if (autoAdvance) {
        now += ms;
        return;
      }
      await new Promise<void>((resolve, reject) => {
        const sleeper = {
          until: now + ms,
          wake: () => {
            sleeping.delete(sleeper);
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          sleeping.delete(sleeper);
          reject(new AbortError());
        };
        sleeping.add(sleeper);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
