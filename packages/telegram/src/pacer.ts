import type { Clock } from '@tgfetch/core';
import { createRateEstimate } from './rate-estimate.js';

export interface PacingOptions {
  /** Slowest pace, as the longest spacing between requests, ms. @default 5000 */
  maxIntervalMs?: number;
  /** How far under the learned rate to pace, as a fraction of it. @default 0.02 */
  margin?: number;
  /**
   * How fast the pace creeps up once the rate is learned, as a fraction per second of
   * sending, so that a limit Telegram raised is found again. @default 0.001
   */
  probe?: number;
  /**
   * How fast the pace grows while the rate is still unknown, as exponential growth per
   * second of sending (3 is ×20 a second). @default 3
   */
  ramp?: number;
}

export interface Pacer {
  /** Waits until the next request may go; call it right before sending. */
  wait(signal: AbortSignal): Promise<void>;
  /** The request sent after the last `wait` went through. */
  accepted(): void;
  /** The request sent after the last `wait` was refused with a flood wait. */
  floodWait(): void;
  /** Requests per second allowed now; `Infinity` until the first flood wait. */
  readonly rate: number;
  /** Spacing between requests at that rate, ms (0 when unpaced). */
  readonly intervalMs: number;
}

/** Seconds of sending over which the pace climbs through the estimate's uncertainty. */
const SETTLE_SEC = 10;
/** Before the first flood wait, a pause this long lets the server's bucket fill again. */
const REFILL_GAP_MS = 1000;
/** Accepted requests remembered per stretch (the newest): minutes of sending. */
const MAX_REMEMBERED = 20_000;
/** No pace beyond this, requests/s: a ramp that never meets a limit is simply unpaced. */
const MAX_RATE = 1e6;

/**
 * Adaptive pacing, learned from flood waits alone. Until the first one requests go back to
 * back, so a short fetch never waits; the requests that got through measure the server's
 * burst. From then on requests are spaced by a client-side token bucket that mirrors the
 * server's. After the first wait its rate starts at what the first stretch achieved wait
 * included (far under the limit when the wait is long) and grows quickly until the next
 * flood wait, whose timing gives the server's sustainable rate (`createRateEstimate`). From
 * then on the pace sits `margin` under that rate, with bursts of up to the server's burst
 * after pauses and waits, and creeps up, quickly while the estimate is rough and by `probe`
 * once it is sharp; each later flood wait sharpens the estimate and restarts the pace under
 * both it and the pace that was refused. The waiting itself stays with core's retry policy:
 * the source throws `FloodWaitError` and the engine sleeps.
 */
export function createPacer(clock: Clock, options: PacingOptions = {}): Pacer {
  const minRate = 1000 / (options.maxIntervalMs ?? 5000);
  const margin = options.margin ?? 0.02;
  const probe = options.probe ?? 0.001;
  const ramp = options.ramp ?? 3;
  const estimate = createRateEstimate();
  let phase: 'free' | 'search' | 'paced' = 'free';
  let rate = Number.POSITIVE_INFINITY;
  // The client-side bucket; it goes below zero when requests overlap.
  let capacity = 1;
  let tokens = 0;
  let refilledAt = 0;
  // The stretch since the last flood wait.
  let accepted: number[] = [];
  let lastSent: number | undefined;
  let refusedAt: number | undefined;
  let waiting = false;

  const refill = (now: number) => {
    tokens = Math.min(capacity, tokens + (rate * (now - refilledAt)) / 1000);
    refilledAt = now;
  };
  const setRate = (next: number) => {
    rate = Math.min(MAX_RATE, Math.max(minRate, next));
  };

  return {
    get rate() {
      return phase === 'free' ? Number.POSITIVE_INFINITY : rate;
    },
    get intervalMs() {
      return phase === 'free' ? 0 : 1000 / rate;
    },
    async wait(signal) {
      const now = clock.now();
      if (waiting && refusedAt !== undefined) {
        // The first request after a flood wait: the wait's length is known now.
        waiting = false;
        if (rate === Number.POSITIVE_INFINITY) setRate(estimate.floor(now - refusedAt) ?? minRate);
      }
      if (phase === 'free') {
        if (lastSent !== undefined && now - lastSent >= REFILL_GAP_MS) accepted = [];
        lastSent = now;
        return;
      }
      refill(now);
      if (tokens < 1) {
        await clock.sleep(((1 - tokens) / rate) * 1000, signal);
        refill(clock.now());
      }
      tokens -= 1;
    },
    accepted() {
      const now = clock.now();
      const previous = accepted[accepted.length - 1] ?? now;
      accepted.push(now);
      if (accepted.length > MAX_REMEMBERED) accepted.splice(0, accepted.length - MAX_REMEMBERED);
      if (phase === 'free') return;
      refill(now);
      // Growth follows time spent sending at the pace, not requests: a burst sent back to
      // back says nothing about the pace, and an idle hour must not raise it.
      const busySec = Math.min(now - previous, 2000 / rate) / 1000;
      if (phase === 'search') setRate(rate * Math.exp(ramp * busySec));
      else setRate(rate * (1 + Math.max(probe, estimate.uncertainty / SETTLE_SEC) * busySec));
    },
    floodWait() {
      const now = clock.now();
      estimate.add({ accepted, refusedMs: now, previousRefusalMs: refusedAt });
      accepted = [];
      refusedAt = now;
      waiting = true;
      const refused = phase === 'free' ? Number.POSITIVE_INFINITY : rate;
      const learned = estimate.rate;
      if (learned !== undefined) {
        phase = 'paced';
        setRate(Math.min(learned, refused) / (1 + margin));
        capacity = Math.max(1, (estimate.burst ?? 1) - 1);
      } else {
        // Still searching: from the floor (set once the wait is over) or half the refused pace.
        phase = 'search';
        rate = refused === Number.POSITIVE_INFINITY ? refused : Math.max(minRate, refused / 2);
        // Half the burst: measured from a run that took time, it may be too high.
        capacity = Math.max(1, Math.floor((estimate.burst ?? 2) / 2));
      }
      tokens = 0;
      refilledAt = now;
    },
  };
}
