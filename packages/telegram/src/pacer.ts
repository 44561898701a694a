import type { Clock } from '@tgfetch/core';

export interface PacingOptions {
  /** Longest spacing between requests after repeated flood waits, ms. @default 5000 */
  maxIntervalMs?: number;
  /** Spacing set after a first flood wait, ms. @default 250 */
  initialIntervalMs?: number;
  /** Factor the spacing shrinks by after each accepted request. @default 0.9 */
  decay?: number;
}

export interface Pacer {
  /** Waits until the next request may go. */
  wait(signal: AbortSignal): Promise<void>;
  accepted(): void;
  floodWait(): void;
  readonly intervalMs: number;
}

/**
 * Adaptive spacing: no delay at all until Telegram objects, then a spacing that doubles
 * with every flood wait and decays with every accepted request, so a worker settles near
 * the rate Telegram tolerates instead of a fixed one-second sleep.
 */
export function createPacer(clock: Clock, options: PacingOptions = {}): Pacer {
  const max = options.maxIntervalMs ?? 5000;
  const initial = options.initialIntervalMs ?? 250;
  const decay = options.decay ?? 0.9;
  let interval = 0;
  let last = Number.NEGATIVE_INFINITY;
  return {
    get intervalMs() {
      return interval;
    },
    async wait(signal) {
      const due = last + interval - clock.now();
      if (due > 0) await clock.sleep(due, signal);
      last = clock.now();
    },
    accepted() {
      interval = interval * decay < 10 ? 0 : interval * decay;
    },
    floodWait() {
      interval = Math.min(max, Math.max(initial, interval * 2));
    },
  };
}
