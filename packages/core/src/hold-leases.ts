import { type Backoff, backoffDelay } from './backoff.js';
import { systemClock } from './clock.js';
import { withDeadline } from './deadline.js';
import { LeaseErrorCode } from './error-codes.js';
import { coreError, type TgfetchError, toTgfetchError } from './errors.js';
import { keepLease } from './keep-lease.js';
import { assertLeaseName, assertLeaseTtl, type Lease, type Leases } from './leases.js';
import type { Clock } from './ports.js';

const noop = () => {};

/** A name that became held here, or stopped being held. */
export type LeaseChange =
  | { kind: 'held'; name: string; lease: Lease }
  /** Taken over, expired, or no renewal got through in time: work under it must stop. */
  | { kind: 'lost'; name: string; lease: Lease }
  /** Given up here: the name is no longer wanted, or `stop()`. */
  | { kind: 'released'; name: string; lease: Lease };

export interface HoldLeasesOptions {
  /** Lifetime of each lease (see `AcquireLeaseOptions.ttlMs`). */
  ttlMs: number;
  /** @default systemClock (its sleeps must last) */
  clock?: Clock;
  /** How often a held lease is renewed. @default ttlMs / 3 */
  renewEveryMs?: number;
  /**
   * How often the wanted names held elsewhere are tried again. A name whose holder died is
   * taken over within `ttlMs + retryEveryMs`. @default ttlMs / 2
   */
  retryEveryMs?: number;
  /** Deadline of one acquire or renewal. @default renewEveryMs */
  timeoutMs?: number;
  /** The waits after a failed acquire. @default { baseMs: retryEveryMs / 8, maxMs: retryEveryMs, jitter: 'equal' } */
  retry?: Backoff;
  /** Told of every change, in order, once per change. @default none */
  onChange?: (change: LeaseChange) => void;
  /** Told of each store call that failed (`name`: the lease's); holding goes on. @default none */
  onError?: (error: TgfetchError, name: string) => void;
  /** Aborting it is `stop()`. */
  signal?: AbortSignal;
  /** [0, 1) source for the jitter. @default Math.random */
  random?: () => number;
}

export interface HeldLeases {
  /**
   * The names wanted from now on: new ones are tried at once, the held ones not wanted any
   * more are released. Throws `LEASE_INVALID_NAME` (changing nothing) for a bad name.
   */
  want(names: Iterable<string>): void;
  /** The leases held now, by name. */
  held(): ReadonlyMap<string, Lease>;
  /** Stops trying and renewing, and releases every lease held. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Holds as many of the wanted names as it can (one per followed chat, say), each by a lease
 * of its own: the free ones at once, the others as soon as their holders let go or die,
 * renewing what it holds. Several processes holding the same names share them out, each
 * name held by one at a time. Nothing here throws once started: store errors go to
 * `onError`, and the names are tried again.
 */
export function holdLeases(
  leases: Leases,
  names: Iterable<string>,
  options: HoldLeasesOptions,
): HeldLeases {
  const { ttlMs } = options;
  assertLeaseTtl(ttlMs);
  const clock = options.clock ?? systemClock;
  const renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(ttlMs / 3));
  const retryEveryMs = options.retryEveryMs ?? Math.max(1, Math.floor(ttlMs / 2));
  assertLeaseTtl(retryEveryMs, 'retryEveryMs');
  assertLeaseTtl(renewEveryMs, 'renewEveryMs');
  if (renewEveryMs >= ttlMs) {
    throw coreError(
      LeaseErrorCode.LEASE_INVALID_TTL,
      `renewEveryMs (${renewEveryMs}) must be under ttlMs (${ttlMs})`,
    );
  }
  const timeoutMs = options.timeoutMs ?? renewEveryMs;
  const retry: Backoff = options.retry ?? {
    baseMs: Math.max(1, Math.floor(retryEveryMs / 8)),
    maxMs: retryEveryMs,
    jitter: 'equal',
  };
  const late = (name: string) => () =>
    coreError(
      LeaseErrorCode.LEASE_NO_REPLY,
      `acquiring lease ${name} got no answer within ${timeoutMs}ms`,
    );

  const validated = (list: Iterable<string>) => {
    const set = new Set(list);
    for (const name of set) assertLeaseName(name);
    return set;
  };
  let wanted = validated(names);
  const held = new Map<string, Lease>();
  const stopping = new AbortController();
  let wake = new AbortController();
  const report = (change: LeaseChange) => {
    try {
      options.onChange?.(change);
    } catch (error) {
      // A listener's bug must not stop the holding of every other name.
      options.onError?.(toTgfetchError(error), change.name);
    }
  };

  const hold = (lease: Lease) => {
    held.set(lease.name, lease);
    report({ kind: 'held', name: lease.name, lease });
    void keepLease(lease, {
      clock,
      everyMs: renewEveryMs,
      timeoutMs,
      signal: stopping.signal,
      onError: (error) => options.onError?.(error, lease.name),
      ...(options.random ? { random: options.random } : {}),
    }).then(() => {
      if (!lease.lost.aborted || held.get(lease.name) !== lease) return;
      held.delete(lease.name);
      report({ kind: 'lost', name: lease.name, lease });
      // Lost to a blip with nobody else taking it: take it back at once.
      wake.abort();
    });
  };

  const release = async (lease: Lease) => {
    held.delete(lease.name);
    report({ kind: 'released', name: lease.name, lease });
    try {
      await withDeadline(lease.release(), timeoutMs, clock, late(lease.name));
    } catch (error) {
      // It then expires on its own within ttlMs.
      options.onError?.(toTgfetchError(error), lease.name);
    }
  };

  /** One pass over the wanted names not held; false when the store failed. */
  const round = async (): Promise<boolean> => {
    for (const lease of [...held.values()]) if (!wanted.has(lease.name)) await release(lease);
    for (const name of [...wanted]) {
      if (stopping.signal.aborted) return true;
      if (held.has(name)) continue;
      let lease: Lease | undefined;
      let acquiring: Promise<Lease | undefined> | undefined;
      try {
        acquiring = leases.acquire(name, { ttlMs });
        lease = await withDeadline(acquiring, timeoutMs, clock, late(name), stopping.signal);
      } catch (error) {
        // A lease that comes after we stopped waiting is nobody's: let it go.
        acquiring?.then((got) => got?.release(), noop).catch(noop);
        if (stopping.signal.aborted) return true;
        options.onError?.(toTgfetchError(error), name);
        // The store is down or slow: the other names would only wait as long each.
        return false;
      }
      if (!lease) continue;
      if (stopping.signal.aborted || !wanted.has(name)) void lease.release().catch(noop);
      else hold(lease);
    }
    return true;
  };

  const loop = (async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      failures = (await round()) ? 0 : failures + 1;
      const pause =
        failures === 0 ? retryEveryMs : backoffDelay(failures - 1, retry, options.random);
      // `stop()` wakes it too.
      await clock.sleep(pause, wake.signal).catch(() => undefined);
      if (wake.signal.aborted && !stopping.signal.aborted) wake = new AbortController();
    }
  })();

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping.abort();
      wake.abort();
      await loop;
      await Promise.all([...held.values()].map(release));
    })();
    return stopped;
  };
  options.signal?.addEventListener('abort', () => void stop(), { once: true });
  if (options.signal?.aborted) void stop();

  return {
    want(list) {
      wanted = validated(list);
      wake.abort();
    },
    held: () => new Map(held),
    stop,
  };
}
