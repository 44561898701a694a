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
 * A clock that only moves when asked to, or, with `autoAdvance`, jumps straight to the end
 * of every sleep: tests of a ten-minute flood wait finish at once and can still check how
 * long the engine meant to wait (`slept`).
 */
export interface VirtualClock extends Clock {
  /** Every sleep requested, in ms, in order. */
  readonly slept: number[];
  advance(ms: number): void;
}

export function createVirtualClock(start = Date.parse('2025-11-08T12:00:00Z')): VirtualClock {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw new AbortError();
      slept.push(ms);
      now += ms;
    },
  };
}
