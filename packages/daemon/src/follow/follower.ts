import {
  type ApplyResult,
  type ChangeBatch,
  type ChatLock,
  type ChatRef,
  followChanges,
  type MessageStore,
  type ProgressStore,
  type ResumeStore,
} from '@tgfetch/core';
import type { TelegramChangeSource, TelegramSource } from '@tgfetch/telegram';
import { lastStoredId } from './last-stored-id.js';

/** What following chats runs on: a Telegram source and a store, as a fetch does. */
export interface FollowParts {
  source: TelegramSource;
  store: MessageStore;
  progress: ProgressStore;
  /** Held per chat while its changes are applied, so a fetch of it meanwhile does not cross. */
  lock?: ChatLock | undefined;
  resume: ResumeStore;
  /**
   * Announces what a batch stored (events, the messages stream), before its resume point
   * is saved: a failure here is retried with the batch, so nothing goes unannounced.
   */
  announce?: ((result: ApplyResult, batch: ChangeBatch) => Promise<void>) | undefined;
  /** Told of each failed stream that will be resumed after `delayMs`. */
  onRetry?: ((error: unknown, attempt: number, delayMs: number) => void) | undefined;
  /** Longest time between two difference calls of a followed chat, ms. */
  maxPollIntervalMs?: number | undefined;
  /** The zone of a chat the store holds nothing of yet. */
  timeZone: string;
}

/** One account's live follower: its key, and a way to follow a set of (canonical) chats. */
export interface Follower {
  /** `telegram:<user id>`: the resume point's key. */
  readonly key: string;
  /** The account's user id: names its follow set and its lease. */
  readonly account: string;
  /** Follows `chats` until `signal` aborts (rejects with `AbortError` then). */
  follow(chats: readonly ChatRef[], signal: AbortSignal): Promise<never>;
  /** Canonical form of a chat as the store keeps it (`-100…` for a channel). */
  resolve(chat: ChatRef, signal: AbortSignal): Promise<ChatRef>;
  close(): Promise<void>;
}

/** A follower of the source's account; asks Telegram who the account is. */
export async function createFollower(parts: FollowParts, signal: AbortSignal): Promise<Follower> {
  // Loaded here, not with the command line: the package's main entry loads gramjs, which a
  // daemon that follows nothing (or reads an export) and most commands never use.
  const { createTelegramChangeSource } = await import('@tgfetch/telegram');
  const changes: TelegramChangeSource = createTelegramChangeSource({
    source: parts.source,
    lastStoredId: (chat) => lastStoredId(parts.store, chat),
    ...(parts.maxPollIntervalMs === undefined
      ? {}
      : { maxPollIntervalMs: parts.maxPollIntervalMs }),
  });
  const key = await changes.resumeKey(signal);
  return {
    key,
    account: key.slice(key.indexOf(':') + 1),
    follow: (chats, stop) =>
      followChanges(
        {
          source: changes,
          store: parts.store,
          progress: parts.progress,
          resume: parts.resume,
          ...(parts.lock ? { lock: parts.lock } : {}),
        },
        {
          key,
          chats,
          timeZone: parts.timeZone,
          ...(parts.onRetry ? { onRetry: parts.onRetry } : {}),
          onApplied: async (batch, result) => {
            await parts.announce?.(result, batch);
          },
        },
        stop,
      ),
    resolve: async (chat, stop) => (await parts.source.resolveChat?.(chat, stop)) ?? chat,
    close: () => changes.close(),
  };
}
