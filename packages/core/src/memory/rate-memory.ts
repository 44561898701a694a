import { checkRateRecord, type LearnedRate, type RateMemory } from '../rate-memory.js';

/** Rates kept in this process only: the default, and the test double. */
export function createMemoryRateMemory(): RateMemory {
  const rates = new Map<string, LearnedRate>();
  return {
    async load(account) {
      const rate = rates.get(account);
      return rate && { ...rate };
    },
    async save(account, rate) {
      checkRateRecord(account, rate);
      const { requestsPerSecond, burst, learnedAt, basisSec } = rate;
      rates.set(account, {
        requestsPerSecond,
        burst,
        learnedAt,
        ...(basisSec === undefined ? {} : { basisSec }),
      });
    },
  };
}
