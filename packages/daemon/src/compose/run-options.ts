import type { RetryNotice, RunOptions } from '@tgfetch/core';
import type { Uses } from '../settings/index.js';

/**
 * How the engine runs each command, the same for `daemon` and `fetch`: the zone of the
 * days, the worker id events carry, the retry policy, and who is told before each wait.
 */
export function runOptions(
  { days, run, worker }: Uses<'days' | 'run' | 'worker'>,
  onRetry: (notice: RetryNotice) => void,
): Omit<RunOptions, 'signal'> {
  return {
    timeZone: days.TGFETCH_TZ,
    workerId: worker.WORKER_ID,
    comments: run.FETCH_COMMENTS,
    retry: {
      maxFloodWaitSec: run.MAX_FLOOD_WAIT_SEC,
      maxAttempts: run.RETRY_MAX_ATTEMPTS,
    },
    onRetry,
  };
}
