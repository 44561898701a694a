import { describe, expect, it } from 'vitest';
import { createRateBounds, type RateBounds } from './rate-bounds.js';
import { createRateLimiter, type RateLimiter } from './testing/rate-limit.js';

/** Requests every `gapMs` from `startMs` to a token bucket until one is refused; its time. */
function stretch(server: RateLimiter, bounds: RateBounds, startMs: number, gapMs: number) {
  for (let now = startMs; ; now += gapMs) {
    if (server.take(now) !== undefined) {
      bounds.refuse(now);
      return now;
    }
    bounds.accept(now);
  }
}

describe('createRateBounds', () => {
  it('knows nothing before a flood wait, an upper bound after one, the rate after a drain', () => {
    const server = createRateLimiter({ requestsPerSecond: 40, burst: 8 });
    const bounds = createRateBounds({ origin: 0 });
    expect(bounds.evaluate(0)).toBeUndefined();

    // A client that needs 5 ms a request: the first stretch bounds the rate by its speed.
    let refused = stretch(server, bounds, 0, 5);
    const first = bounds.evaluate(0);
    expect(first?.high).toBeLessThanOrEqual(200 * 1.0001);
    expect(first?.high).toBeGreaterThanOrEqual(40);
    expect(bounds.first?.count).toBeGreaterThan(8);

    // 5% over the limit from a bucket refilled by the wait: it runs dry after ~4 s, and the
    // bounds close in on the rate.
    refused = stretch(server, bounds, refused + 1000, 1000 / 42);
    const after = bounds.evaluate(0);
    expect(after?.low).toBeLessThanOrEqual(40);
    expect(after?.low).toBeGreaterThan(40 * 0.99);
    expect(after?.high).toBeGreaterThanOrEqual(40);
    expect(after?.high).toBeLessThan(40 * 1.01);
    expect(after?.burst).toBeGreaterThan(7);
    expect(after?.burst).toBeLessThanOrEqual(8);
    expect(refused).toBeGreaterThan(4000);
  });

  it('keeps the true limit in while a low rate with a large burst fits too, and drops it later', () => {
    const server = createRateLimiter({ requestsPerSecond: 50, burst: 10 });
    const bounds = createRateBounds({ origin: 0 });
    // A slow first stretch and a quick second one: ~11 req/s with a burst of ~25 fits both.
    let refused = stretch(server, bounds, 0, 14);
    refused = stretch(server, bounds, refused + 1050, 1000 / 172);
    const wide = bounds.evaluate(0);
    expect(wide?.low).toBeLessThan(20);
    expect(wide?.high).toBeGreaterThan(50);
    expect(bounds.fitting(50, 0)).toBeDefined();
    // Accepted for long at 40 req/s: no low rate's burst covers that.
    let now = refused + 1050;
    for (let i = 0; i < 400; i++, now += 25) {
      expect(server.take(now)).toBeUndefined();
      bounds.accept(now);
    }
    const narrower = bounds.evaluate(0, wide);
    expect(narrower?.low).toBeGreaterThan(39);
    expect(bounds.fitting(50, 0)).toBeDefined();
  });

  it('forgets what a limit that fell contradicts', () => {
    let server = createRateLimiter({ requestsPerSecond: 40, burst: 8 });
    const bounds = createRateBounds({ origin: 0 });
    let refused = stretch(server, bounds, 0, 0);
    refused = stretch(server, bounds, refused + 1000, 1000 / 42);
    expect(bounds.evaluate(0)?.low).toBeGreaterThan(39);
    server = createRateLimiter({ requestsPerSecond: 10, burst: 8 });
    refused = stretch(server, bounds, refused + 2000, 1000 / 11);
    const fallen = bounds.evaluate(0);
    expect(fallen?.low).toBeLessThanOrEqual(10);
    expect(fallen?.high).toBeGreaterThanOrEqual(10);
    expect(fallen?.high).toBeLessThan(12);
  });

  it('takes a rate learned before as bounds until a send contradicts it', () => {
    const bounds = createRateBounds({ origin: 0 });
    bounds.prime(20, 20.2, 5);
    expect(bounds.primed).toBe(true);
    const primed = bounds.evaluate(0);
    expect(primed?.low).toBeCloseTo(20, 4);
    expect(primed?.high).toBeCloseTo(20.2, 4);
    // Five back to back, refused at once: the limit is far lower than learned.
    const server = createRateLimiter({ requestsPerSecond: 2, burst: 5 });
    stretch(server, bounds, 0, 0);
    stretch(server, bounds, 5000, 1000 / 4);
    const found = bounds.evaluate(0);
    expect(bounds.primed).toBe(false);
    expect(found?.low).toBeLessThanOrEqual(2);
    expect(found?.high).toBeGreaterThanOrEqual(2);
  });

  it('shows a limit that rose: nothing bounds the rate from above any more', () => {
    let server = createRateLimiter({ requestsPerSecond: 10, burst: 5 });
    const bounds = createRateBounds({ origin: 0 });
    let refused = stretch(server, bounds, 0, 0);
    refused = stretch(server, bounds, refused + 1000, 1000 / 11);
    const before = bounds.evaluate(0);
    expect(before?.high).toBeLessThan(11);
    server = createRateLimiter({ requestsPerSecond: 40, burst: 5 });
    let now = refused + 1000;
    for (let i = 0; i < 300; i++, now += 1000 / 30) {
      expect(server.take(now)).toBeUndefined();
      bounds.accept(now);
    }
    const after = bounds.evaluate(0, before);
    expect(after?.high).toBe(Number.POSITIVE_INFINITY);
  });
});
