import { type ApplyOptions, type ApplyResult, applyChanges } from './apply-changes.js';
import type { ChangeBatch, ChangeSource, MessageChange, ResumeStore } from './changes.js';
import { type ChatRef, chatKey } from './chat.js';
import { systemClock } from './clock.js';
import { AbortError } from './errors.js';
import type { ChatLock, Clock, MessageStore, ProgressStore } from './ports.js';
import { decideRetry, defaultRetryPolicy, type RetryPolicy } from './retry.js';

export interface FollowPorts {
  source: ChangeSource;
  store: MessageStore;
  progress: ProgressStore;
  /** Where the resume point is kept between batches and across restarts. */
  resume: ResumeStore;
  /** Held per chat while its changes are applied, so a fetch of it meanwhile does not cross. */
  lock?: ChatLock;
}

export interface FollowOptions extends ApplyOptions {
  /** The resume store's key: one per account (Telegram's update state is the account's). */
  key: string;
  chats: readonly ChatRef[];
  /**
   * Called after a batch is stored and before its resume point is saved: a crash in between
   * repeats the batch (applying is idempotent), so what this announces is at least once,
   * never missing.
   */
  onApplied?(batch: ChangeBatch, result: ApplyResult): void | Promise<void>;
  /** A failed stream that will be resumed after `delayMs`. */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  /** How failed streams are retried; attempts count from the last stored batch. */
  retry?: RetryPolicy;
  clock?: Clock;
}

/**
 * Follows `chats` until `signal` aborts: reads the source's changes from the saved resume
 * point, applies each batch to the store (holding each named chat's lock), announces it,
 * then saves the batch's point. A retryable failure resumes the stream from the last point
 * saved after a backoff on the clock; a non-retryable one (a point the source refuses, a
 * store that cannot write) rejects. Ends with `AbortError` once `signal` aborts.
 */
export async function followChanges(
  ports: FollowPorts,
  options: FollowOptions,
  signal: AbortSignal,
): Promise<never> {
  const clock = options.clock ?? systemClock;
  const policy = options.retry ?? defaultRetryPolicy;
  let attempt = 0;
  for (;;) {
    if (signal.aborted) throw new AbortError();
    try {
      const from = await ports.resume.load(options.key);
      const request = from ? { chats: options.chats, from } : { chats: options.chats };
      for await (const batch of ports.source.changes(request, signal)) {
        const result = await applyHeld(ports, batch.changes, options, signal);
        await options.onApplied?.(batch, result);
        await ports.resume.save(options.key, batch.resume);
        attempt = 0;
      }
      // A live stream ends only when it is aborted; one that ends otherwise is read again.
      if (signal.aborted) throw new AbortError();
      throw new AbortError('The change stream ended');
    } catch (error) {
      if (signal.aborted) throw new AbortError();
      attempt += 1;
      const decision =
        error instanceof AbortError
          ? { retry: true as const, delayMs: policy.baseDelayMs }
          : decideRetry(error, attempt, { ...policy, maxAttempts: Number.POSITIVE_INFINITY });
      if (!decision.retry) throw decision.error;
      options.onRetry?.(error, attempt, decision.delayMs);
      await clock.sleep(decision.delayMs, signal);
    }
  }
}

/** Applies one batch holding the lock of every chat it names, taken in key order. */
async function applyHeld(
  ports: FollowPorts,
  changes: readonly MessageChange[],
  options: ApplyOptions,
  signal: AbortSignal,
): Promise<ApplyResult> {
  if (!ports.lock || changes.length === 0) return applyChanges(ports, changes, options);
  const chats = new Map<string, ChatRef>();
  for (const change of changes) {
    for (const chat of change.kind === 'deleted'
      ? [change.chat, ...(change.among ?? [])]
      : [change.chat]) {
      if (chat !== undefined) chats.set(chatKey(chat), chat);
    }
  }
  // One order for every holder, so two appliers never wait on each other.
  const ordered = [...chats.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const releases: Array<() => Promise<void>> = [];
  try {
    for (const [, chat] of ordered) releases.push(await ports.lock.acquire(chat, signal));
    return await applyChanges(ports, changes, options);
  } finally {
    for (const release of releases.reverse()) await release();
  }
}
