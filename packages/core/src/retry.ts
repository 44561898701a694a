import { type Backoff, backoffDelay, jittered } from './backoff.js';
import { EngineErrorCode } from './error-codes.js';
import { FloodWaitError, type TgfetchError, toTgfetchError, UnreachableError } from './errors.js';

/**
 * When to try again. Flood waits are Telegram telling us exactly how long to pause: we
 * honour them (plus jitter, so that workers sharing an account do not return in lockstep)
 * up to `maxFloodWaitSec`, beyond which the command fails as retryable rather than holding
 * a worker for an hour. Transient errors back off exponentially with equal jitter. An
 * unreachable service (its own attempts already spent) and anything else fail at once.
 */
export interface RetryPolicy {
  /** Longest flood wait honoured; longer ones fail the command (retryable). @default 300 */
  maxFloodWaitSec: number;
  /** Extra random wait added to flood waits, up to this fraction of the wait. @default 0.1 */
  floodJitter: number;
  /** Tries of one request on transient errors, the first included. @default 5 */
  maxAttempts: number;
  /** Flood waits in a row (with no message in between) before giving up. @default 10 */
  maxFloodWaits: number;
  /** First backoff delay. @default 500 */
  baseDelayMs: number;
  /** Longest backoff delay. @default 30000 */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxFloodWaitSec: 300,
  floodJitter: 0.1,
  maxAttempts: 5,
  maxFloodWaits: 10,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

export type RetryDecision =
  | { retry: true; delayMs: number; error: TgfetchError }
  | { retry: false; error: TgfetchError };

/**
 * Decides what to do after `error` on try number `attempt` (1 for the first failure since
 * the last success). `random` returns [0, 1); injectable for deterministic tests.
 */
export function decideRetry(
  error: unknown,
  attempt: number,
  policy: RetryPolicy = defaultRetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  const e = toTgfetchError(error);
  if (e instanceof FloodWaitError) {
    if (e.seconds > policy.maxFloodWaitSec || attempt > policy.maxFloodWaits) {
      return { retry: false, error: e };
    }
    const delayMs = jittered(e.seconds * 1000, { extra: policy.floodJitter }, random);
    // Waits of 0 s happen (FLOOD_WAIT_0); a short pause still avoids hammering.
    return { retry: true, delayMs: Math.max(delayMs, 100), error: e };
  }
  if (
    !e.retryable ||
    e.code === EngineErrorCode.ABORTED ||
    e instanceof UnreachableError ||
    attempt >= policy.maxAttempts
  ) {
    return { retry: false, error: e };
  }
  const backoff: Backoff = {
    baseMs: policy.baseDelayMs,
    maxMs: policy.maxDelayMs,
    jitter: 'equal',
  };
  return { retry: true, delayMs: backoffDelay(attempt - 1, backoff, random), error: e };
}
