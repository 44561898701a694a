/**
 * How a wait is spread so that clients that failed together do not come back together.
 *
 * - `'full'`: uniform in [0, d] ("full jitter" of the AWS architecture blog);
 * - `'equal'`: uniform in [d/2, d] ("equal jitter": never less than half the wait);
 * - `{ extra }`: uniform in [d, d·(1 + extra)], for a wait that is a minimum (a flood wait
 *   Telegram imposes must not be cut short, only lengthened);
 * - `'none'`: d itself.
 *
 * `'full'` and `'equal'` never exceed d, so a capped backoff stays under its cap.
 */
export type Jitter = 'none' | 'full' | 'equal' | { readonly extra: number };

/** A capped exponential backoff: `baseMs · factor^attempt`, at most `maxMs`, then jittered. */
export interface Backoff {
  /** The wait of attempt 0, before jitter. */
  baseMs: number;
  /** The longest wait, before jitter (only `{ extra }` jitter goes above it). */
  maxMs: number;
  /** Growth from one attempt to the next. @default 2 */
  factor?: number;
  /** @default 'none' */
  jitter?: Jitter;
}

/** `ms` spread by `jitter`, in whole milliseconds. `random` returns [0, 1). */
export function jittered(ms: number, jitter: Jitter, random: () => number = Math.random): number {
  if (jitter === 'none') return Math.round(ms);
  if (jitter === 'full') return Math.round(ms * random());
  if (jitter === 'equal') return Math.round(ms / 2 + (ms / 2) * random());
  return Math.round(ms + ms * jitter.extra * random());
}

/**
 * The wait before the next try after try number `attempt` (counted from 0) failed, in whole
 * milliseconds. `random` returns [0, 1); inject it for deterministic tests.
 */
export function backoffDelay(
  attempt: number,
  backoff: Backoff,
  random: () => number = Math.random,
): number {
  // A huge attempt makes the power Infinity, which the cap absorbs; a zero base would make
  // it NaN instead.
  const grown =
    backoff.baseMs > 0 ? backoff.baseMs * (backoff.factor ?? 2) ** Math.max(0, attempt) : 0;
  return jittered(Math.min(backoff.maxMs, grown), backoff.jitter ?? 'none', random);
}
