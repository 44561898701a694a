import { systemClock } from '../clock.js';
import { createLease, type LeaseControl } from '../lease-handle.js';
import { assertLeaseName, assertLeaseTtl, type Leases } from '../leases.js';
import type { Clock } from '../ports.js';

export interface MemoryLeasesOptions {
  /** Lifetimes are measured on it (its sleeps must last). @default systemClock */
  clock?: Clock;
}

interface Entry {
  token: symbol;
  expiresAt: number;
  control: LeaseControl;
}

/**
 * Leases within one process, in a Map: what several followers of one process share, and the
 * test double of the port. Fences count up from 1 for all names together. A holder whose
 * lease expired is told (`lost`) the moment another takes the name over.
 */
export function createMemoryLeases(options: MemoryLeasesOptions = {}): Leases {
  const clock = options.clock ?? systemClock;
  const entries = new Map<string, Entry>();
  let fence = 0;

  const current = (name: string, token: symbol) => {
    const entry = entries.get(name);
    return entry?.token === token && clock.now() < entry.expiresAt ? entry : undefined;
  };

  return {
    async acquire(name, { ttlMs }) {
      assertLeaseName(name);
      assertLeaseTtl(ttlMs);
      const now = clock.now();
      const previous = entries.get(name);
      if (previous && now < previous.expiresAt) return undefined;
      previous?.control.lose('taken over after its lifetime ran out');
      const token = Symbol(name);
      const control = createLease({
        name,
        fence: ++fence,
        ttlMs,
        clock,
        sentAt: now,
        async renew() {
          const entry = current(name, token);
          if (entry) entry.expiresAt = clock.now() + ttlMs;
          return entry !== undefined;
        },
        async release() {
          if (entries.get(name)?.token === token) entries.delete(name);
        },
      });
      entries.set(name, { token, expiresAt: now + ttlMs, control });
      return control.lease;
    },
  };
}
