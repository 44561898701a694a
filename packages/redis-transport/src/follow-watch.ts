import type { Clock, TgfetchError } from '@tgfetch/core';
import type { RedisClient } from './connection.js';
import { toRedisError } from './errors.js';
import type { FollowSnapshot } from './follow-entry.js';
import { replyDeadline } from './reply-deadline.js';

export interface FollowWatchOptions {
  /**
   * Told of the set as it is when the watch starts, then again after each change seen: a
   * new version (a smaller one too: a Redis that lost its data starts again from 0).
   */
  onChange: (snapshot: FollowSnapshot) => void;
  /**
   * Re-reads the version at least this often: a hint published while the subscriber was
   * reconnecting is lost (PubSub keeps nothing), so this bounds how late a change is seen.
   * @default 5_000
   */
  everyMs?: number;
  /** Told of each read that failed, and of a subscription that could not be made; watching goes on. */
  onError?: (error: TgfetchError) => void;
  /** Aborting it is `close()`. */
  signal?: AbortSignal;
  /** Deadline of the subscriber's connection. @default 2_000 */
  connectTimeoutMs?: number;
}

/** What a watch reads of a follow set. */
export interface WatchedSet {
  readonly keys: { readonly changed: string };
  version(): Promise<number>;
  list(): Promise<FollowSnapshot>;
}

export interface FollowWatch {
  /** Stops watching and closes the subscriber's connection. */
  close(): Promise<void>;
}

/**
 * Watches `set`: change hints on its channel wake a re-read at once, and the version is
 * re-read every `everyMs` whatever comes. Resolves once the first snapshot was delivered
 * (rejects, leaving nothing open, when that first read fails).
 */
export async function watchFollowSet(
  set: WatchedSet,
  client: RedisClient,
  clock: Clock,
  options: FollowWatchOptions,
): Promise<FollowWatch> {
  const everyMs = options.everyMs ?? 5_000;
  const stopping = new AbortController();
  let wake = new AbortController();
  const hint = () => wake.abort();

  // Subscribed before the first read: no change between the two goes unseen.
  const subscriber = client.duplicate() as RedisClient;
  subscriber.on('error', () => {});
  try {
    await replyDeadline(
      subscriber.connect().then(() => subscriber.subscribe(set.keys.changed, hint)),
      options.connectTimeoutMs ?? 2_000,
      `subscribing to ${set.keys.changed}`,
    );
  } catch (error) {
    // Re-reads on the interval still see every change, only later.
    options.onError?.(toRedisError(error));
  }

  let last: number;
  try {
    const first = await set.list();
    last = first.version;
    options.onChange(first);
  } catch (error) {
    subscriber.destroy();
    throw error;
  }

  const check = async () => {
    if ((await set.version()) === last) return;
    const snapshot = await set.list();
    if (snapshot.version === last || stopping.signal.aborted) return;
    last = snapshot.version;
    options.onChange(snapshot);
  };
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      await clock.sleep(everyMs, wake.signal).catch(() => undefined);
      if (stopping.signal.aborted) return;
      wake = new AbortController();
      await check().catch((error: unknown) => options.onError?.(toRedisError(error)));
    }
  })();

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      stopping.abort();
      wake.abort();
      subscriber.destroy();
      await loop;
    })();
    return closed;
  };
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  if (options.signal?.aborted) void close();
  return { close };
}
