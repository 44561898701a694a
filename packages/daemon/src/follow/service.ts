import {
  AbortError,
  type ChatRef,
  holdLeases,
  type Leases,
  type TgfetchError,
} from '@tgfetch/core';
import type { FollowSet, FollowSnapshot } from '@tgfetch/redis-transport';
import type { Follower } from './follower.js';

export interface FollowServiceOptions {
  follower: Follower;
  set: FollowSet;
  leases: Leases;
  /** Lifetime of the account's follow lease: a dead holder's chats move on within about 1.5× it. */
  leaseTtlMs: number;
  /** How often the follow set is re-read whatever the change hints say. */
  setEveryMs?: number;
  /** Told when this daemon starts or stops being the account's follower, and of what it follows. */
  onState?: (state: { following: boolean; chats: readonly ChatRef[] }) => void;
  onError?: (error: TgfetchError | Error, where: 'lease' | 'follow-set' | 'follow') => void;
}

/** The name of the lease under which one daemon follows an account's chats. */
export const followLeaseName = (account: string) => `follow:${account}`;

/**
 * Follows the account's follow set for as long as this daemon holds the account's lease:
 * one live follower per account across any number of daemons (Telegram's update state is
 * the account's, so its chats are followed together), another daemon taking over within
 * the lease's bound when the holder dies. A change of the set restarts the follow with
 * the new chats from the saved resume point. Resolves once `signal` aborts and the follow
 * has stopped.
 */
export async function runFollowService(
  options: FollowServiceOptions,
  signal: AbortSignal,
): Promise<void> {
  const { follower } = options;
  let chats: readonly ChatRef[] = [];
  let held = false;
  let current: { stop: AbortController; done: Promise<void> } | undefined;

  const restart = async () => {
    const previous = current;
    current = undefined;
    if (previous) {
      previous.stop.abort();
      await previous.done;
    }
    options.onState?.({ following: held && !signal.aborted, chats });
    if (!held || signal.aborted || chats.length === 0) return;
    const stop = new AbortController();
    const both = AbortSignal.any([signal, stop.signal]);
    const done = follower.follow(chats, both).then(
      () => {},
      (error: unknown) => {
        if (both.aborted || error instanceof AbortError) return;
        // A failure no retry fixes (a store that cannot write): said, and tried again later.
        options.onError?.(error as Error, 'follow');
        setTimeout(() => {
          if (current?.stop === stop) void queue(restart);
        }, options.leaseTtlMs).unref();
      },
    );
    current = { stop, done };
  };
  // Restarts one at a time, in the order asked.
  let tail = Promise.resolve();
  const queue = (work: () => Promise<void>) => {
    tail = tail.then(work, work);
    return tail;
  };

  const leases = holdLeases(options.leases, [followLeaseName(follower.account)], {
    ttlMs: options.leaseTtlMs,
    // Stopped by hand below, once the follow has stopped: no write outlives the lease.
    onChange: (change) => {
      held = change.kind === 'held';
      void queue(restart);
    },
    onError: (error) => options.onError?.(error, 'lease'),
  });
  const watch = await options.set.watch({
    signal,
    ...(options.setEveryMs === undefined ? {} : { everyMs: options.setEveryMs }),
    onChange: (snapshot: FollowSnapshot) => {
      const next = snapshot.entries.map((e) => e.chat);
      if (next.join('\n') === chats.join('\n')) return;
      chats = next;
      void queue(restart);
    },
    onError: (error) => options.onError?.(error, 'follow-set'),
  });
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await watch.close();
  await queue(restart);
  await leases.stop();
}
