import type { VirtualClock } from './clock.js';
import { TransientError } from './errors.js';
import type { Leases } from './leases.js';

/** How a store seen through `faultyLeases` answers this process. */
export type LeaseStoreFault = 'none' | 'fail' | 'hang';

export interface FaultyLeases extends Leases {
  /** What acquire, renew and release do from now on. */
  fault: LeaseStoreFault;
}

/**
 * `leases` as one process sees them through a network that may fail (rejects at once with
 * a retryable error) or hang (never answers): a holder cut off from its store, as a dead
 * one is to the others.
 */
export function faultyLeases(leases: Leases): FaultyLeases {
  const faulty: FaultyLeases = {
    fault: 'none',
    async acquire(name, options) {
      await gate();
      const lease = await leases.acquire(name, options);
      if (!lease) return undefined;
      return {
        ...lease,
        renew: async () => {
          await gate();
          return lease.renew();
        },
        release: async () => {
          await gate();
          return lease.release();
        },
      };
    },
  };
  const gate = (): Promise<void> => {
    if (faulty.fault === 'fail') {
      return Promise.reject(new TransientError('STORE_DOWN', 'the lease store is unreachable'));
    }
    if (faulty.fault === 'hang') return new Promise(() => {});
    return Promise.resolve();
  };
  return faulty;
}

/**
 * Moves `clock` on by `ms` in steps of `stepMs`, letting everything due run after each step
 * (promise chains woken by a step register their next sleeps before the next step).
 */
export async function runClock(clock: VirtualClock, ms: number, stepMs = 10): Promise<void> {
  for (let moved = 0; moved < ms; moved += stepMs) {
    clock.advance(Math.min(stepMs, ms - moved));
    await new Promise((resolve) => setImmediate(resolve));
  }
}
