import { type Backoff, backoffDelay } from './backoff.js';
import { systemClock } from './clock.js';
import { withDeadline } from './deadline.js';
import { LeaseErrorCode } from './error-codes.js';
import { coreError, type TgfetchError, toTgfetchError } from './errors.js';
import { assertLeaseTtl, type Lease } from './leases.js';
import type { Clock } from './ports.js';

export interface KeepLeaseOptions {
  /** The clock renewals are timed on (its sleeps must last). @default systemClock */
  clock?: Clock;
  /** How often the lease is renewed, under its `ttlMs`. @default lease.ttlMs / 3 */
  everyMs?: number;
  /** How long one renewal may take before it counts as failed. @default everyMs */
  timeoutMs?: number;
  /**
   * The waits before tries again after a failed renewal. Each is cut so that a try still
   * falls within the lease's lifetime. @default { baseMs: everyMs / 8, maxMs: everyMs, jitter: 'equal' }
   */
  retry?: Backoff;
  /** Stops renewing (the lease is neither released nor lost: it expires in `ttlMs`). */
  signal?: AbortSignal;
  /** Told of each renewal that failed (the store unreachable or late); renewing goes on. */
  onError?: (error: TgfetchError) => void;
  /** [0, 1) source for the jitter. @default Math.random */
  random?: () => number;
}

/**
 * Renews `lease` every `everyMs` until it ends (lost or released) or `signal` aborts, then
 * resolves; it never rejects. A renewal that fails or takes longer than `timeoutMs` is tried
 * again after a backoff; if none succeeds before the lease's lifetime is over, the lease
 * itself fires `lost` (as it does when a renewal finds it taken).
 */
export async function keepLease(lease: Lease, options: KeepLeaseOptions = {}): Promise<void> {
  const clock = options.clock ?? systemClock;
  const everyMs = options.everyMs ?? Math.max(1, Math.floor(lease.ttlMs / 3));
  assertLeaseTtl(everyMs, 'everyMs');
  if (everyMs >= lease.ttlMs) {
    throw coreError(
      LeaseErrorCode.LEASE_INVALID_TTL,
      `everyMs (${everyMs}) must be under the lease's ttlMs (${lease.ttlMs})`,
    );
  }
  const timeoutMs = options.timeoutMs ?? everyMs;
  const retry: Backoff = options.retry ?? {
    baseMs: Math.max(1, Math.floor(everyMs / 8)),
    maxMs: everyMs,
    jitter: 'equal',
  };
  // A controller of its own whose listeners go when this ends: nothing stays tied to `signal`.
  const stopping = new AbortController();
  const stop = stopping.signal;
  const onStop = () => stopping.abort();
  for (const signal of [lease.ended, options.signal]) {
    if (signal?.aborted) stopping.abort();
    signal?.addEventListener('abort', onStop, { once: true });
  }
  try {
    await renewUntil(lease, clock, stop, everyMs, timeoutMs, retry, options);
  } finally {
    lease.ended.removeEventListener('abort', onStop);
    options.signal?.removeEventListener('abort', onStop);
  }
}

async function renewUntil(
  lease: Lease,
  clock: Clock,
  stop: AbortSignal,
  everyMs: number,
  timeoutMs: number,
  retry: Backoff,
  options: KeepLeaseOptions,
): Promise<void> {
  const late = () =>
    coreError(
      LeaseErrorCode.LEASE_NO_REPLY,
      `renewing lease ${lease.name} got no answer within ${timeoutMs}ms`,
    );

  let failures = 0;
  for (;;) {
    let pause = everyMs;
    if (failures > 0) {
      const backoff = backoffDelay(failures - 1, retry, options.random);
      // Leave the last try room to land before the lifetime is over, but never spin on a
      // store that fails at once.
      const room = lease.validUntil() - clock.now() - timeoutMs;
      pause = Math.max(Math.min(backoff, room), Math.min(backoff, Math.ceil(everyMs / 8)));
    }
    try {
      await clock.sleep(pause, stop);
    } catch {
      return;
    }
    if (stop.aborted) return;
    try {
      const ours = await withDeadline(lease.renew(), timeoutMs, clock, late, stop);
      if (!ours) return;
      failures = 0;
    } catch (error) {
      if (stop.aborted) return;
      failures++;
      options.onError?.(toTgfetchError(error));
    }
  }
}
