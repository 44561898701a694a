import { describe, expect, it } from 'vitest';
import { type Backoff, backoffDelay, type Jitter, jittered } from './backoff.js';

const randoms = [0, 0.25, 0.5, 0.75, 1 - Number.EPSILON];
const attempts = Array.from({ length: 40 }, (_, i) => i);
const base: Backoff = { baseMs: 100, maxMs: 5_000 };
/** The wait before jitter: what the jitter kinds are bounded by. */
const ceiling = (attempt: number) => Math.min(base.maxMs, base.baseMs * 2 ** attempt);

describe('backoffDelay', () => {
  it('grows by its factor from baseMs up to maxMs, with no jitter by default', () => {
    expect(attempts.slice(0, 8).map((a) => backoffDelay(a, base))).toEqual([
      100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000,
    ]);
    const slower = { baseMs: 10, maxMs: 250, factor: 1.5 };
    expect(attempts.slice(0, 4).map((a) => backoffDelay(a, slower))).toEqual([10, 15, 23, 34]);
  });

  const bounds: Array<[Jitter, (c: number) => number, (c: number) => number]> = [
    ['none', (c) => c, (c) => c],
    ['full', () => 0, (c) => c],
    ['equal', (c) => c / 2, (c) => c],
    [{ extra: 0.5 }, (c) => c, (c) => c * 1.5],
  ];
  it.each(bounds)('keeps %o jitter within its floor and ceiling', (jitter, floor, top) => {
    for (const attempt of attempts) {
      for (const r of randoms) {
        const delay = backoffDelay(attempt, { ...base, jitter }, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.round(floor(ceiling(attempt))));
        expect(delay).toBeLessThanOrEqual(Math.round(top(ceiling(attempt))));
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it('never goes above maxMs with full or equal jitter, however many attempts', () => {
    for (const jitter of ['full', 'equal'] as const) {
      for (const attempt of [...attempts, 1_000, 1e9, Number.MAX_SAFE_INTEGER]) {
        const delay = backoffDelay(attempt, { ...base, jitter }, () => 1 - Number.EPSILON);
        expect(delay).toBe(attempt < 6 ? base.baseMs * 2 ** attempt : 5_000);
      }
    }
  });

  it('does not shrink from one attempt to the next', () => {
    for (const r of randoms) {
      const delays = attempts.map((a) => backoffDelay(a, { ...base, jitter: 'equal' }, () => r));
      for (let i = 1; i < delays.length; i++) {
        expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
      }
      expect(delays[1]).toBeGreaterThan(delays[0]!);
    }
  });

  it('gives the same delays for the same random numbers', () => {
    const sequence = () => {
      let i = 0;
      return () => randoms[i++ % randoms.length]!;
    };
    const run = (random: () => number) =>
      attempts.map((a) => backoffDelay(a, { ...base, jitter: 'full' }, random));
    expect(run(sequence())).toEqual(run(sequence()));
    expect(backoffDelay(3, { ...base, jitter: 'equal' }, () => 0)).toBe(400);
    expect(backoffDelay(3, { ...base, jitter: 'equal' }, () => 0.5)).toBe(600);
    expect(backoffDelay(3, { ...base, jitter: 'full' }, () => 0.5)).toBe(400);
    expect(backoffDelay(3, { ...base, jitter: { extra: 0.1 } }, () => 0.5)).toBe(840);
  });

  it('draws from Math.random when given no random source', () => {
    const seen = new Set(
      Array.from({ length: 50 }, () => backoffDelay(10, { ...base, jitter: 'full' })),
    );
    expect(seen.size).toBeGreaterThan(1);
    for (const delay of seen) expect(delay).toBeLessThanOrEqual(5_000);
  });

  it('waits nothing with a zero base, and treats a negative attempt as the first', () => {
    expect(backoffDelay(1e9, { baseMs: 0, maxMs: 5_000 })).toBe(0);
    expect(backoffDelay(-3, base)).toBe(100);
  });
});

describe('jittered', () => {
  it('spreads a wait by its kind', () => {
    expect(jittered(1_000, 'none', () => 0.5)).toBe(1_000);
    expect(jittered(1_000, 'full', () => 0.5)).toBe(500);
    expect(jittered(1_000, 'equal', () => 0.5)).toBe(750);
    expect(jittered(1_000, { extra: 0.1 }, () => 0.5)).toBe(1_050);
  });
});
