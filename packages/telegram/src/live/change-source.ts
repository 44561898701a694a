import type { ChangeBatch, ChangeRequest, ChangeSource } from '@tgfetch/core';
import { AbortError, type ChatRef, defaultRetryPolicy, type RetryPolicy } from '@tgfetch/core';
import { tgError } from '../error-builders.js';
import { TelegramErrorCode } from '../error-codes.js';
import type { TelegramSource } from '../source.js';
import { accessOf } from '../source-access.js';
import { follow } from './follow.js';

export interface TelegramChangeSourceOptions {
  /**
   * The source (of `createTelegramSource`, `createTelegramClientSource` or
   * `createSimulatedSource`) whose account, connection, pacing and peer cache following
   * shares. Its owner closes it; the change source does not.
   */
  source: TelegramSource;
  /**
   * The newest message id stored of a chat (undefined: nothing stored): where a history
   * walk starts, above it, when Telegram cannot say what changed (a difference that was too
   * long, a chat followed for the first time).
   */
  lastStoredId(chat: ChatRef): Promise<number | undefined>;
  /** Longest time between two difference calls of a followed box, ms. @default 30000 */
  maxPollIntervalMs?: number;
  /** How long updates after a gap wait for the missing ones before a difference is asked, ms. @default 500 */
  gapWaitMs?: number;
  /** Messages asked per `updates.getChannelDifference` (Telegram allows users 10–100). @default 100 */
  differenceLimit?: number;
  /** Retries of a failed request. @default core's `defaultRetryPolicy` */
  retry?: RetryPolicy;
}

export interface TelegramChangeSource extends ChangeSource {
  /** The key to keep this account's resume point under: `telegram:<user id>`. */
  resumeKey(signal: AbortSignal): Promise<string>;
  /** Ends every follow under way (with `AbortError`); later ones fail with `SOURCE_CLOSED`. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_POLL_INTERVAL_MS = 30_000;
export const DEFAULT_GAP_WAIT_MS = 500;

/**
 * A `ChangeSource` that follows chats the way Telegram's own clients do
 * (core.telegram.org/api/updates): resume state per account (each channel's `pts`, the
 * account's `pts/qts/date/seq`), caught up with `updates.getDifference` and
 * `updates.getChannelDifference` on start, after every reconnect and on every gap, pushed
 * updates applied in `pts` order, and every followed box polled at
 * `min(Telegram's timeout, maxPollIntervalMs)`. gramjs (2.26) keeps no update state and
 * never asks for a difference, so none of this relies on its update handling.
 *
 * Each batch's `resume` is safe to store once that batch and every one before it are
 * stored; changes of a chat come in the order they happened. Deletions in private chats
 * and basic groups name no chat: see `changeMapper` for how they are attributed.
 */
export function createTelegramChangeSource(
  options: TelegramChangeSourceOptions,
): TelegramChangeSource {
  const access = accessOf(options.source);
  const settings = {
    maxPollIntervalMs: options.maxPollIntervalMs ?? DEFAULT_MAX_POLL_INTERVAL_MS,
    gapWaitMs: options.gapWaitMs ?? DEFAULT_GAP_WAIT_MS,
    differenceLimit: Math.min(100, Math.max(10, options.differenceLimit ?? 100)),
  };
  const closing = new AbortController();
  const closedError = () =>
    tgError(TelegramErrorCode.SOURCE_CLOSED, 'The Telegram change source is closed');
  return {
    async *changes(request: ChangeRequest, signal: AbortSignal): AsyncGenerator<ChangeBatch> {
      if (closing.signal.aborted) throw closedError();
      if (signal.aborted) throw new AbortError();
      const both = AbortSignal.any([signal, closing.signal]);
      yield* follow(
        {
          access,
          settings,
          retry: options.retry ?? defaultRetryPolicy,
          lastStoredId: options.lastStoredId,
        },
        request,
        both,
      );
    },
    async resumeKey() {
      return `telegram:${await access.selfId()}`;
    },
    async close() {
      closing.abort();
    },
  };
}
