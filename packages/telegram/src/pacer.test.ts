import { AbortError, createVirtualClock, type VirtualClock } from '@tgfetch/core';
import { describe, expect, it } from 'vitest';
import { createPacer, type Pacer, type PacingOptions } from './pacer.js';
import {
  createRateLimiter,
  type RateLimiter,
  type RateLimitOptions,
} from './testing/rate-limit.js';

interface Run {
  seconds: number;
  floodWaits: number;
  /** Flood waits and requests sent after the first minute. */
  late: { floodWaits: number; requests: number };
}

/**
 * Sends `requests` through `pacer` to a token bucket in virtual time, the way the source
 * and the engine do: a refused request is retried after its flood wait plus the engine's
 * mean jitter (5%); `workMs` of virtual time pass after each accepted one.
 */
async function drive(
  pacer: Pacer,
  clock: VirtualClock,
  server: RateLimiter,
  requests: number,
  workMs = 0,
): Promise<Run> {
  const start = clock.now();
  const signal = new AbortController().signal;
  let done = 0;
  let floodWaits = 0;
  const late = { floodWaits: 0, requests: 0 };
  while (done < requests) {
    const turn = await pacer.turn('@chat', signal);
    const seconds = server.take(clock.now());
    const afterAMinute = clock.now() - start > 60_000;
    if (afterAMinute) late.requests++;
    if (afterAMinute && seconds !== undefined) late.floodWaits++;
    if (seconds === undefined) {
      turn.accepted();
      done++;
      clock.advance(workMs);
    } else {
      turn.refused(seconds);
      floodWaits++;
      clock.advance(seconds * 1050);
    }
  }
  return { seconds: (clock.now() - start) / 1000, floodWaits, late };
}

/** The token bucket's bound: `burst` requests at once, then one every 1/rate seconds. */
const idealSeconds = (limit: RateLimitOptions, requests: number) =>
  Math.max(0, requests - limit.burst) / limit.requestsPerSecond;

async function paced(
  limit: RateLimitOptions,
  requests: number,
  workMs = 0,
  options: PacingOptions = {},
) {
  const clock = createVirtualClock();
  const pacer = createPacer(clock, options);
  const run = await drive(pacer, clock, createRateLimiter(limit), requests, workMs);
  return { ...run, ideal: idealSeconds(limit, requests), pacer, clock };
}

describe('createPacer', () => {
  it('sends back to back until Telegram objects', async () => {
    const clock = createVirtualClock();
    const pacer = createPacer(clock);
    const run = await drive(
      pacer,
      clock,
      createRateLimiter({ requestsPerSecond: 1, burst: 50 }),
      50,
    );
    expect(run).toEqual({ seconds: 0, floodWaits: 0, late: { floodWaits: 0, requests: 0 } });
    expect(clock.slept).toEqual([]);
    expect(pacer.intervalMs).toBe(0);
  });

  it('learns a 50 req/s limit and holds it: 5,001 requests within 6% of the ideal time', async () => {
    const limit = { requestsPerSecond: 50, burst: 10 };
    const run = await paced(limit, 5001, 2);
    expect(run.floodWaits).toBeLessThanOrEqual(5);
    expect(run.seconds).toBeLessThanOrEqual(run.ideal * 1.06);
    expect(run.pacer.rate).toBeGreaterThan(45);
    expect(run.pacer.rate).toBeLessThan(53);
  });

  it('learns a limit with a few flood waits, and keeps 501 requests under 1.4× the ideal', async () => {
    // The first flood wait bounds the rate from above; each later one (a stretch that
    // drained the burst at a known pace) narrows the bounds. At 50 req/s each costs ~0.85 s
    // of a 9.8 s ideal: a short fetch pays for learning, a long one does not notice it.
    const run = await paced({ requestsPerSecond: 50, burst: 10 }, 501, 2);
    expect(run.floodWaits).toBeLessThanOrEqual(4);
    expect(run.seconds).toBeLessThanOrEqual(run.ideal * 1.4);
  });

  it('loses almost nothing to a slow limit, whose waits refill less than the burst', async () => {
    const run = await paced({ requestsPerSecond: 5, burst: 10 }, 501);
    expect(run.floodWaits).toBeLessThanOrEqual(6);
    expect(run.seconds).toBeLessThanOrEqual(run.ideal * 1.02);
  });

  it('finds a fast limit reached by a client that needs time for each request', async () => {
    // 2.5 ms of work per request: the first stretch takes long enough that part of it was
    // refilled, so the burst must be told apart from the rate.
    const run = await paced({ requestsPerSecond: 200, burst: 20 }, 10_001, 2.5);
    expect(run.floodWaits).toBeLessThanOrEqual(5);
    expect(run.seconds).toBeLessThanOrEqual(run.ideal * 1.12);
  });

  it('copes with a burst of one', async () => {
    // A refusal then says little (the bucket is never fuller than one request), so the rate
    // is found from what got through.
    const run = await paced({ requestsPerSecond: 20, burst: 1 }, 5001, 2);
    expect(run.floodWaits).toBeLessThanOrEqual(12);
    expect(run.seconds).toBeLessThanOrEqual(run.ideal * 1.12);
  });

  it('follows a limit that drops, and finds it again when it rises', async () => {
    const clock = createVirtualClock();
    const pacer = createPacer(clock);
    // Telegram's limit changes under the same pacer.
    const under = (requestsPerSecond: number, requests: number) =>
      drive(pacer, clock, createRateLimiter({ requestsPerSecond, burst: 10 }), requests);
    await under(50, 2000);
    expect(pacer.rate).toBeGreaterThan(45);

    const lower = await under(10, 1000);
    expect(lower.floodWaits).toBeLessThanOrEqual(6);
    expect(lower.seconds).toBeLessThanOrEqual(
      idealSeconds({ requestsPerSecond: 10, burst: 10 }, 1000) * 1.1,
    );
    expect(pacer.rate).toBeLessThan(11);

    // Climbing back is slow on purpose (0.1% a second): each overshoot costs a flood wait.
    const higher = await under(20, 6000);
    expect(higher.seconds).toBeLessThan(6000 / 10);
    expect(pacer.rate).toBeGreaterThan(14);
  });

  it('does not raise the pace while idle, and spends a refilled burst after a pause', async () => {
    const { pacer, clock } = await paced({ requestsPerSecond: 50, burst: 10 }, 1001);
    const rate = pacer.rate;
    clock.advance(3_600_000);
    const slept = clock.slept.length;
    const signal = new AbortController().signal;
    for (let i = 0; i < 5; i++) (await pacer.turn('@chat', signal)).accepted();
    expect(clock.slept.length).toBe(slept);
    expect(pacer.rate).toBeLessThan(rate * 1.01);
    for (let i = 0; i < 5; i++) (await pacer.turn('@chat', signal)).accepted();
    expect(clock.slept.length).toBeGreaterThan(slept);
  });

  it('after the first minute: at most one flood wait per 1,000 requests, 95% of the ideal', async () => {
    for (const limit of [
      { requestsPerSecond: 50, burst: 10 },
      { requestsPerSecond: 200, burst: 20 },
      { requestsPerSecond: 20, burst: 1 },
    ]) {
      const run = await paced(limit, limit.requestsPerSecond * 1000, 2);
      expect(run.late.requests).toBeGreaterThan(0);
      expect(run.late.floodWaits / run.late.requests).toBeLessThanOrEqual(1 / 1000);
      expect(run.ideal / run.seconds).toBeGreaterThanOrEqual(0.95);
    }
    // A limit whose burst outlasts the one-second wait loses nothing to a flood wait: the
    // pace probes more often there, and the time stays at the ideal.
    const slow = await paced({ requestsPerSecond: 5, burst: 10 }, 5000, 2);
    expect(slow.ideal / slow.seconds).toBeGreaterThanOrEqual(0.99);
  });

  it('starts at a rate learned before: no flood wait, 98% of the ideal from the first request', async () => {
    const limit = { requestsPerSecond: 50, burst: 10 };
    const learned = await paced(limit, 5001, 2);
    const estimate = learned.pacer.estimate;
    expect(estimate?.requestsPerSecond).toBeGreaterThan(49);
    expect(estimate?.requestsPerSecond).toBeLessThan(51);
    expect(estimate?.burst).toBeGreaterThan(8);
    const again = await paced(limit, 501, 2, { ...(estimate ? { initial: estimate } : {}) });
    expect(again.floodWaits).toBe(0);
    expect(again.ideal / again.seconds).toBeGreaterThanOrEqual(0.98);
    // One learned far too high costs a few flood waits, not the fetch.
    const tooHigh = await paced(limit, 2001, 2, {
      initial: { requestsPerSecond: 80, burst: 10, learnedAt: 0 },
    });
    expect(tooHigh.floodWaits).toBeLessThanOrEqual(5);
    expect(tooHigh.pacer.rate).toBeLessThan(51);
  });

  it('tells each estimate a flood wait taught, close to the limit once it is learned', async () => {
    const told: number[] = [];
    await paced({ requestsPerSecond: 50, burst: 10 }, 5001, 2, {
      onEstimate: (rate) => told.push(rate.requestsPerSecond),
    });
    expect(told.length).toBeGreaterThanOrEqual(1);
    expect(told.at(-1)).toBeGreaterThan(49);
    expect(told.at(-1)).toBeLessThan(51);
  });

  it('holds the account during a flood wait: other turns fail with the time left', async () => {
    const clock = createVirtualClock(Date.parse('2026-01-01T00:00:00Z'), { autoAdvance: false });
    const pacer = createPacer(clock, { initial: { requestsPerSecond: 1, burst: 1, learnedAt: 0 } });
    const signal = new AbortController().signal;
    const start = clock.now();
    const first = await pacer.turn('@one', signal);
    // Waiting for the pace when the refusal comes: ended with the time left, not held.
    const waiting = pacer.turn('@two', signal);
    first.refused(7);
    expect(pacer.heldUntil).toBe(start + 7000);
    await expect(waiting).rejects.toMatchObject({ name: 'FloodWaitError', seconds: 7 });
    clock.advance(2500);
    await expect(pacer.turn('@three', signal)).rejects.toMatchObject({ seconds: 5 });
    clock.advance(4500);
    (await pacer.turn('@three', signal)).accepted();
  });

  it('stops waiting when aborted', async () => {
    const { pacer } = await paced({ requestsPerSecond: 1, burst: 1 }, 20);
    const controller = new AbortController();
    controller.abort();
    await expect(pacer.turn('@chat', controller.signal)).rejects.toBeInstanceOf(AbortError);
  });
});
