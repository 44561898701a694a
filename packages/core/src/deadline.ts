import { AbortError } from './errors.js';
import type { Clock } from './ports.js';

/**
 * `work`, or the error `late()` makes once `ms` have passed on `clock`, or an `AbortError`
 * once `signal` aborts, whichever comes first. The work itself goes on (a promise cannot be
 * stopped); its outcome is then dropped.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  clock: Clock,
  late: () => Error,
  signal?: AbortSignal,
): Promise<T> {
  const done = new AbortController();
  const expired = clock.sleep(ms, done.signal).then(() => {
    throw late();
  });
  // Aborted once the work settles: that rejection is nobody's business.
  expired.catch(() => {});
  const stopped = new Promise<never>((_, reject) => {
    if (signal?.aborted) reject(new AbortError('stopped waiting'));
    signal?.addEventListener('abort', () => reject(new AbortError('stopped waiting')), {
      once: true,
      signal: done.signal,
    });
  });
  stopped.catch(() => {});
  // Whatever settles first, the sleep and the listener go with `done`.
  try {
    return await Promise.race([work, expired, stopped]);
  } finally {
    done.abort();
  }
}
