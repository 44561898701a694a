import {
  AbortError,
  backoffDelay,
  type CommandHandlers,
  errorInfo,
  systemClock,
} from '@tgfetch/core';
import { anyFollowed } from '@tgfetch/redis-transport';
import { type DaemonFollow, type DaemonFollowOptions, startDaemonFollow } from './daemon-follow.js';

/** Longest wait between two tries of starting live follow. */
const MAX_RETRY_MS = 60_000;

export interface BackgroundFollow {
  /** Runs `follow` and `unfollow` commands from the queue: the account's follow set changes. */
  handlers: CommandHandlers;
  /** Resolves once stopped (the signal aborted) and whatever started has stopped. */
  done(): Promise<void>;
}

/**
 * The daemon's live follow, started without holding up the daemon's start, and only when
 * there is something to follow (FOLLOW_CHATS, a chat some account follows in this Redis, or
 * a follow command), since following asks Telegram who the account is at once. A start
 * that fails (Telegram unreachable) is tried again with backoff.
 */
export function backgroundFollow(
  options: DaemonFollowOptions,
  signal: AbortSignal,
): BackgroundFollow {
  let running: Promise<void> | undefined;
  let started: DaemonFollow | undefined;
  const waiters = new Set<() => void>();
  const start = () => {
    running ??= (async () => {
      for (let attempt = 0; !signal.aborted; attempt++) {
        try {
          started = await startDaemonFollow(options, signal);
          for (const wake of waiters) wake();
          await started?.done;
          return;
        } catch (error) {
          if (signal.aborted || error instanceof AbortError) return;
          const info = errorInfo(error);
          const delayMs = backoffDelay(attempt, {
            baseMs: 1_000,
            maxMs: MAX_RETRY_MS,
            jitter: 'equal',
          });
          options.log.warn(
            { error_type: info.code, err: info.message, delay_ms: delayMs },
            'live follow could not start: trying again',
          );
          await systemClock.sleep(delayMs, signal).catch(() => {});
        }
      }
    })();
  };
  /** The started follow, waiting for it (a command is released if the daemon stops first). */
  const ready = async (stop: AbortSignal): Promise<DaemonFollow> => {
    start();
    while (!started) {
      if (stop.aborted || signal.aborted) throw new AbortError();
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          stop.removeEventListener('abort', wake);
          resolve();
        };
        waiters.add(wake);
        stop.addEventListener('abort', wake, { once: true });
      });
    }
    return started;
  };
  void (async () => {
    // Redis trouble is the connection's to report; following then starts with a command.
    const followed = await anyFollowed({ client: options.client }).catch(() => false);
    if (options.chats.length > 0 || followed) start();
  })();
  return {
    handlers: {
      follow: async (command, stop) => {
        const { follower, set } = await ready(stop);
        const chat = await follower.resolve(command.chat, stop);
        await set.add(chat, { by: command.requested_by ?? command.command_id });
      },
      unfollow: async (command, stop) => {
        const { follower, set } = await ready(stop);
        const chat = await follower.resolve(command.chat, stop);
        await set.remove(chat);
      },
    },
    done: async () => {
      for (const wake of waiters) wake();
      await running;
    },
  };
}
