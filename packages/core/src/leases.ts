import { LeaseErrorCode } from './error-codes.js';
import { coreError } from './errors.js';

/**
 * Leases: time-bound exclusive claims on a name, shared by any number of processes through
 * one store (Redis, or memory within a process). A holder keeps its lease by renewing it
 * before its lifetime runs out; a holder that dies stops renewing, and once the lifetime is
 * over anyone may take the name. Every holder of a name gets a fencing token (`fence`)
 * greater than every earlier holder's, so a store that sees writes from two holders (the
 * old one paused, not dead) can refuse the older one's.
 *
 * Adapters build their leases with `createLease` (in `lease-handle.ts`), which owns the
 * local side of the contract: the lifetime as this process sees it, `lost` and `ended`.
 */

export interface AcquireLeaseOptions {
  /**
   * How long the lease lasts without a renewal, in ms (10 ms to 24 h): the longest a dead
   * holder keeps a name from the others.
   */
  ttlMs: number;
}

export interface Lease {
  readonly name: string;
  /**
   * The fencing token: a safe integer, greater than the fence of every earlier holder of
   * this name from the same store.
   */
  readonly fence: number;
  readonly ttlMs: number;
  /**
   * Aborts when the lease is lost: a renewal found it taken or expired, another holder took
   * it over, or its lifetime ran out here with no renewal confirmed. Never on `release`.
   */
  readonly lost: AbortSignal;
  /** Aborts when the lease ends, lost or released: what work under it stops on. */
  readonly ended: AbortSignal;
  /**
   * The clock time (ms) until which the lease is surely still ours: when the last acquire or
   * renewal that succeeded was sent, plus `ttlMs`. The store expires it no earlier.
   */
  validUntil(): number;
  /** Neither lost nor released, and within `validUntil`. */
  held(): boolean;
  /**
   * Extends the lease by `ttlMs` from the call. True when it is still ours; false when it is
   * not (lost, which aborts `lost`, or released). Rejects when the store cannot be reached
   * (a retryable error): the lease stays as it was, and is lost once `validUntil` passes.
   */
  renew(): Promise<boolean>;
  /**
   * Gives the lease up, so that another may take it at once; a lease since taken by another
   * is left to them. Idempotent. Rejects when the store cannot be reached: it then expires
   * on its own within `ttlMs`.
   */
  release(): Promise<void>;
}

export interface Leases {
  /**
   * Takes the lease on `name` if nobody holds it (or its holder's lifetime is over): the
   * lease, or undefined when another holds it. Not reentrant: a name this process holds is
   * held. A bad name or lifetime rejects with `LEASE_INVALID_NAME` / `LEASE_INVALID_TTL`.
   */
  acquire(name: string, options: AcquireLeaseOptions): Promise<Lease | undefined>;
  close?(): Promise<void>;
}

export const MAX_LEASE_NAME_LENGTH = 200;
export const MIN_LEASE_TTL_MS = 10;
export const MAX_LEASE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Letters, digits and `. _ : @ + -`, not starting with `.` or `:`: a canonical chat
 * (`@name`, `-100…`) joins an account in a name (`follow:12345:@ru_python`), and a name
 * never holds a space, a slash, a glob character or `#` (which stores keep for their own
 * keys, beside the leases).
 */
const LEASE_NAME = /^[A-Za-z0-9@+-][A-Za-z0-9._:@+-]*$/;

/** Throws `LEASE_INVALID_NAME` unless `name` is a lease name (see `LEASE_NAME`). */
export function assertLeaseName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw coreError(LeaseErrorCode.LEASE_INVALID_NAME, 'A lease name must be a non-empty string');
  }
  if (name.length > MAX_LEASE_NAME_LENGTH) {
    throw coreError(
      LeaseErrorCode.LEASE_INVALID_NAME,
      `A lease name is at most ${MAX_LEASE_NAME_LENGTH} characters (got ${name.length})`,
    );
  }
  if (!LEASE_NAME.test(name)) {
    throw coreError(
      LeaseErrorCode.LEASE_INVALID_NAME,
      `Not a lease name: ${JSON.stringify(name.slice(0, 60))} (letters, digits and . _ : @ + - only)`,
    );
  }
}

/** Throws `LEASE_INVALID_TTL` unless `ms` is a whole number of ms in the lease bounds. */
export function assertLeaseTtl(ms: unknown, what = 'ttlMs'): asserts ms is number {
  if (
    typeof ms !== 'number' ||
    !Number.isSafeInteger(ms) ||
    ms < MIN_LEASE_TTL_MS ||
    ms > MAX_LEASE_TTL_MS
  ) {
    throw coreError(
      LeaseErrorCode.LEASE_INVALID_TTL,
      `${what} must be a whole number of ms from ${MIN_LEASE_TTL_MS} to ${MAX_LEASE_TTL_MS} (got ${String(ms)})`,
    );
  }
}
