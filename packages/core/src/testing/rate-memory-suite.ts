import { describe, expect, it } from 'vitest';
import type { LearnedRate, RateMemory } from '../rate-memory.js';
import type { StoreFixture } from './store-suite.js';

/** What every `RateMemory` adapter must do (see the port's documentation). */
export function describeRateMemory(
  name: string,
  setup: () => Promise<StoreFixture<RateMemory>>,
): void {
  describe(`RateMemory conformance: ${name}`, () => {
    const withMemory = (fn: (memory: RateMemory) => Promise<void>) => async () => {
      const fixture = await setup();
      try {
        await fn(fixture.store);
      } finally {
        await fixture.cleanup?.();
      }
    };
    const rate: LearnedRate = {
      requestsPerSecond: 49.37,
      burst: 10.25,
      learnedAt: 1_762_510_000_123,
    };

    it(
      'knows nothing of a new account',
      withMemory(async (memory) => {
        expect(await memory.load('100200300')).toBeUndefined();
      }),
    );

    it(
      'gives back what was saved, exactly',
      withMemory(async (memory) => {
        await memory.save('100200300', rate);
        expect(await memory.load('100200300')).toEqual(rate);
      }),
    );

    it(
      'replaces a rate saved again, and keeps accounts apart',
      withMemory(async (memory) => {
        await memory.save('100200300', rate);
        await memory.save('100200300', { ...rate, requestsPerSecond: 12.5 });
        // How sure it is may be left out.
        await memory.save('999', { requestsPerSecond: 1, burst: 1, learnedAt: 0 });
        expect(await memory.load('100200300')).toEqual({ ...rate, requestsPerSecond: 12.5 });
        expect(await memory.load('999')).toEqual({ requestsPerSecond: 1, burst: 1, learnedAt: 0 });
      }),
    );

    it(
      'keeps only the rate: extra fields of the caller are not stored',
      withMemory(async (memory) => {
        await memory.save('100200300', { ...rate, secret: 'x' } as LearnedRate);
        expect(await memory.load('100200300')).toEqual(rate);
      }),
    );

    it(
      'refuses what is not a rate, and an empty account',
      withMemory(async (memory) => {
        for (const bad of [
          { ...rate, requestsPerSecond: Number.NaN },
          { ...rate, requestsPerSecond: 0 },
          { ...rate, burst: -1 },
          { ...rate, learnedAt: Number.POSITIVE_INFINITY },
          { ...rate, basisSec: 0 },
        ]) {
          await expect(memory.save('100200300', bad)).rejects.toThrow(TypeError);
        }
        await expect(memory.save('', rate)).rejects.toThrow(TypeError);
        expect(await memory.load('100200300')).toBeUndefined();
      }),
    );
  });
}
