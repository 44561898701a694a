import type { Lease } from './leases.js';
import type { Clock } from './ports.js';

/** What an adapter knows of a lease it just acquired, and how to talk to its store. */
export interface LeaseInit {
  name: string;
  fence: number;
  ttlMs: number;
  /**
   * The clock the lifetime is measured on here. Its sleeps must last (the system clock, or
   * a virtual clock without `autoAdvance`): the lease watches its own end with one.
   */
  clock: Clock;
  /** When the acquiring call was sent (clock ms): the store cannot expire it before `+ ttlMs`. */
  sentAt: number;
  /** Asks the store to extend the lease by `ttlMs`: true when still ours, false when not. */
  renew(): Promise<boolean>;
  /** Asks the store to end the lease if it is still ours. */
  release(): Promise<void>;
}

export interface LeaseControl {
  readonly lease: Lease;
  /** For an adapter that learns of the loss otherwise (it handed the name to another). */
  lose(reason: string): void;
}

/**
 * A `Lease` over an adapter's store calls, with the local half of the contract: the lifetime
 * as this process sees it (each success counted from when its call was sent, so that it
 * never outlasts the store's), `lost` when a renewal fails or the lifetime runs out, and
 * `ended` on loss or release. One watchdog sleep per lease on the clock fires the loss of
 * a lease nobody renewed.
 */
export function createLease(init: LeaseInit): LeaseControl {
  const { clock, ttlMs } = init;
  const lost = new AbortController();
  const ended = new AbortController();
  let validUntil = init.sentAt + ttlMs;
  let released = false;

  const lose = (reason: string) => {
    if (ended.signal.aborted) return;
    lost.abort(new Error(`lease ${init.name} lost: ${reason}`));
    ended.abort(lost.signal.reason);
  };

  const watch = async () => {
    while (!ended.signal.aborted) {
      const left = validUntil - clock.now();
      if (left <= 0) return lose(`no renewal within ${ttlMs}ms`);
      // Woken at the old end; a renewal meanwhile moved it, and the loop sleeps again.
      await clock.sleep(left, ended.signal).catch(() => {});
    }
  };
  void watch();

  const lease: Lease = {
    name: init.name,
    fence: init.fence,
    ttlMs,
    lost: lost.signal,
    ended: ended.signal,
    validUntil: () => validUntil,
    held: () => !ended.signal.aborted && clock.now() < validUntil,
    async renew() {
      if (ended.signal.aborted) return false;
      const sentAt = clock.now();
      const ours = await init.renew();
      if (!ours) lose('taken or expired in the store');
      // A reply that comes after the watchdog fired does not bring the lease back.
      if (ended.signal.aborted) return false;
      validUntil = Math.max(validUntil, sentAt + ttlMs);
      return true;
    },
    async release() {
      if (released) return;
      released = true;
      ended.abort(new Error(`lease ${init.name} released`));
      // Even a lost lease is released: the store leaves a name another holds to them.
      await init.release();
    },
  };
  return { lease, lose };
}
