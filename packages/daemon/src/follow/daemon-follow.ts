import { type ChatLock, errorInfo, messageEvents, type WireEventSink } from '@tgfetch/core';
import {
  createFollowSet,
  createRedisLeases,
  createRedisResumeStore,
  type FollowSet,
  type RedisClient,
} from '@tgfetch/redis-transport';
import type { TelegramSource } from '@tgfetch/telegram';
import type { OpenedSource } from '../compose/sources.js';
import type { OpenedStore } from '../compose/stores.js';
import { createFollower, type Follower } from './follower.js';
import { runFollowService } from './service.js';

export interface DaemonFollowOptions {
  source: OpenedSource;
  store: OpenedStore;
  lock: ChatLock;
  client: RedisClient;
  /** FOLLOW_CHATS: added to the account's follow set at start. */
  chats: readonly string[];
  pollMs: number;
  leaseTtlMs: number;
  timeZone: string;
  /** Where the changes a batch stored are published (`message`, `message_edited`, `message_deleted`). */
  events?: WireEventSink;
  workerId: string;
  log: {
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
  };
}

export interface DaemonFollow {
  follower: Follower;
  set: FollowSet;
  /** Resolves once stopped: the follow has ended and the lease is released. */
  done: Promise<void>;
}

/**
 * The daemon's live follow: the account's follow set in Redis (FOLLOW_CHATS added at start,
 * `follow` and `unfollow` commands change it), followed by whichever daemon holds the
 * account's lease, its resume point in Redis. Changes are stored beneath the messages
 * stream and appended to it under their own kinds, then published as events.
 */
export async function startDaemonFollow(
  options: DaemonFollowOptions,
  signal: AbortSignal,
): Promise<DaemonFollow | undefined> {
  if (options.source.kind === 'export') return undefined;
  const { store } = options;
  const stream = store.messages?.stream;
  const follower = await createFollower(
    {
      source: options.source.source as TelegramSource,
      store: store.messages?.direct ?? store.store,
      progress: store.progress,
      lock: options.lock,
      resume: createRedisResumeStore({ client: options.client }),
      timeZone: options.timeZone,
      maxPollIntervalMs: options.pollMs,
      onRetry: (error, attempt, delayMs) => {
        const info = errorInfo(error);
        options.log.warn(
          { error_type: info.code, err: info.message, attempt, delay_ms: delayMs },
          'live follow interrupted: resuming from the last stored change',
        );
      },
      announce: async (result) => {
        await stream?.appendApplied(result.messages);
        if (!options.events) return;
        const ts = new Date().toISOString();
        for (const event of messageEvents(result, { ts, worker_id: options.workerId })) {
          await options.events.publish(event);
        }
      },
    },
    signal,
  );
  const set = createFollowSet({ client: options.client, account: follower.account });
  for (const chat of options.chats) {
    const canonical = await follower.resolve(chat, signal);
    await set.add(canonical, { by: 'FOLLOW_CHATS' });
  }
  const done = runFollowService(
    {
      follower,
      set,
      leases: createRedisLeases({ client: options.client }),
      leaseTtlMs: options.leaseTtlMs,
      onState: (state) =>
        options.log.info(
          { following: state.following, chats: state.chats.length },
          state.following
            ? 'following live'
            : signal.aborted
              ? 'not following live (stopping)'
              : 'not following live (another daemon holds the account)',
        ),
      onError: (error, where) =>
        options.log.warn(
          { error_type: errorInfo(error).code, err: error.message, where },
          'live follow problem',
        ),
    },
    signal,
  ).finally(() => follower.close());
  return { follower, set, done };
}
