import { AbortError, backoffDelay, errorInfo, systemClock, withDeadline } from '@tgfetch/core';
import { type DaemonFollowOptions, startDaemonFollow } from './daemon-follow.js';

/** Longest wait between two tries of starting live follow. */
const MAX_RETRY_MS = 60_000;

/**
 * Starts the daemon's live follow without holding up its start: only when there is
 * something to follow (FOLLOW_CHATS, or a follow set some daemon keeps in this Redis), since
 * following asks Telegram who the account is at once. A start that fails (Telegram
 * unreachable) is tried again with backoff. Resolves once `signal` aborts and whatever
 * started has stopped.
 */
export async function startFollowInBackground(
  options: DaemonFollowOptions,
  signal: AbortSignal,
): Promise<void> {
  if (options.chats.length === 0 && !(await anyFollowSet(options))) return;
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      const follow = await startDaemonFollow(options, signal);
      await follow?.done;
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
}

/** Whether some account's follow set exists in this Redis (a SCAN of at most two seconds). */
async function anyFollowSet(options: DaemonFollowOptions): Promise<boolean> {
  const end = Date.now() + 2_000;
  try {
    let cursor = '0';
    do {
      const reply = await withDeadline(
        options.client.scan(cursor, { MATCH: 'tgfetch:follow:*', COUNT: 1000, TYPE: 'hash' }),
        Math.max(1, end - Date.now()),
        systemClock,
        () => new Error('no reply from Redis'),
      );
      if (reply.keys.length > 0) return true;
      cursor = String(reply.cursor);
    } while (cursor !== '0' && Date.now() < end);
  } catch {
    // Redis trouble is the connection's to report; following then starts with a command.
  }
  return false;
}
