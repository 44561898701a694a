import type { RetryNotice, RunOptions } from '@tgfetch/core';
import type { Config } from '../config.js';

/**
 * How the engine runs each command, the same for `daemon` and `fetch`: the zone of the
 * days, the worker id events carry, the retry policy, and who is told before each wait.
 */
export function runOptions(
  config: Config,
  onRetry: (notice: RetryNotice) => void,
): Omit<RunOptions, 'signal'> {
  return {
    timeZone: config.TGFETCH_TZ,
    workerId: config.workerId,
    comments: config.FETCH_COMMENTS,
    retry: {
      maxFloodWaitSec: config.MAX_FLOOD_WAIT_SEC,
      maxAttempts: config.RETRY_MAX_ATTEMPTS,
    },
    onRetry,
  };
}
