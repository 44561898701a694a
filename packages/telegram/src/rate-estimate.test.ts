import { describe, expect, it } from 'vitest';
import { createRateEstimate, type Stretch } from './rate-estimate.js';
import { createRateLimiter, type RateLimitOptions } from './testing/rate-limit.js';

/** Requests every `gapMs` from `startMs` to a token bucket until one is refused. */
function stretchAt(
  take: (now: number) => number | undefined,
  startMs: number,
  gapMs: number,
  previousRefusalMs: number | undefined,
): Stretch {
  const accepted: number[] = [];
  for (let now = startMs; ; now += gapMs) {
    if (take(now) !== undefined) return { accepted, refusedMs: now, previousRefusalMs };
    accepted.push(now);
  }
}

describe('createRateEstimate', () => {
  const limit: RateLimitOptions = { requestsPerSecond: 40, burst: 8 };

  it('knows nothing before a flood wait, the burst after the first, the rate after the second', () => {
    const server = createRateLimiter(limit);
    const estimate = createRateEstimate();
    expect(estimate.rate).toBeUndefined();
    expect(estimate.floor(1000)).toBeUndefined();

    const first = stretchAt((t) => server.take(t), 0, 0, undefined);
    estimate.add(first);
    expect(estimate.rate).toBeUndefined();
    expect(estimate.burst).toBeCloseTo(8.5, 5);
    // The first stretch plus a one-second wait: 8 requests in a second, far under 40.
    expect(estimate.floor(1000)).toBeCloseTo(8.5, 5);

    // 5% over the limit from a full bucket: the bucket runs dry after ~4 s.
    estimate.add(stretchAt((t) => server.take(t), 2000, 1000 / 42, first.refusedMs));
    expect(estimate.rate).toBeGreaterThan(40 * 0.97);
    expect(estimate.rate).toBeLessThanOrEqual(40 * 1.01);
    expect(estimate.uncertainty).toBeLessThan(0.01);
  });

  it('starts afresh when a stretch shows the limit fell', () => {
    let server = createRateLimiter(limit);
    const estimate = createRateEstimate();
    const first = stretchAt((t) => server.take(t), 0, 0, undefined);
    estimate.add(first);
    const second = stretchAt((t) => server.take(t), 2000, 1000 / 42, first.refusedMs);
    estimate.add(second);
    server = createRateLimiter({ requestsPerSecond: 10, burst: 8 });
    estimate.add(
      stretchAt((t) => server.take(t), second.refusedMs + 2000, 1000 / 11, second.refusedMs),
    );
    expect(estimate.rate).toBeGreaterThan(9);
    expect(estimate.rate).toBeLessThan(11);
  });
});
