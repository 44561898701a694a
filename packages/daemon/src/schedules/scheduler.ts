import {
  backoffDelay,
  type Clock,
  errorInfo,
  type ScheduledEvent,
  systemClock,
  type TgfetchError,
  toTgfetchError,
  type WireEventSink,
  withDeadline,
} from '@tgfetch/core';
import type { RedisSchedules, RunDueResult } from '@tgfetch/redis-transport';

/** Longest sleep between two looks at the due schedules: a schedule added meanwhile is seen within it. */
const MAX_SLEEP_MS = 1_000;
/** `runDue` calls of one look at most (each pushes up to 100 ticks): the rest wait one sleep. */
const MAX_CALLS = 20;

export interface SchedulerOptions {
  schedules: Pick<RedisSchedules, 'runDue' | 'nextDue'>;
  /** Where each pushed tick's `scheduled` event goes. */
  events: Pick<WireEventSink, 'publish'>;
  /** Deadline of one event's publish (the store's calls have their own). */
  publishTimeoutMs: number;
  /** Told of every look's result: what was pushed, deferred (queue full), lost, failed. */
  onResult?: (result: RunDueResult) => void;
  /** Told of a look that failed as a whole (Redis away) or an event not published. */
  onError?: (error: TgfetchError, where: 'look' | 'publish') => void;
  /** @default systemClock */
  clock?: Clock;
}

/**
 * The daemon's scheduler: pushes the ticks of the due schedules (`runDue`, each tick exactly
 * once across every daemon of the store), publishes their `scheduled` events, then sleeps
 * until the next due time, at most a second. Every wait has a deadline; `signal` ends it at
 * once, whatever call is in flight (a tick script either ran whole or not at all). A look
 * that fails is tried again with backoff. Resolves once `signal` aborted.
 */
export async function runScheduler(options: SchedulerOptions, signal: AbortSignal): Promise<void> {
  const clock = options.clock ?? systemClock;
  const stopped = new Promise<never>((_, reject) => {
    const stop = () => reject(new Error('stopped'));
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
  });
  stopped.catch(() => {});
  const untilStopped = <T>(work: Promise<T>) => Promise.race([work, stopped]);

  const publish = async (event: ScheduledEvent) => {
    try {
      await withDeadline(
        options.events.publish(event),
        options.publishTimeoutMs,
        clock,
        () => new Error(`the scheduled event of ${event.schedule} was not published in time`),
        signal,
      );
    } catch (error) {
      // The tick is on the queue all the same: only its event is missing.
      if (!signal.aborted) options.onError?.(toTgfetchError(error), 'publish');
    }
  };

  /** One look: runs what is due; whether something stayed due that this daemon cannot push now. */
  const look = async (): Promise<boolean> => {
    for (let call = 0; call < MAX_CALLS; call++) {
      const result = await untilStopped(options.schedules.runDue({ now: clock.now() }));
      options.onResult?.(result);
      for (const event of result.scheduled) await untilStopped(publish(event));
      if (result.deferred.length > 0 || result.errors.length > 0) return true;
      if (!result.more) return false;
    }
    return false;
  };

  for (let failures = 0, again = 0; !signal.aborted; ) {
    let waitMs: number;
    try {
      const stuck = await look();
      const next = await untilStopped(options.schedules.nextDue());
      const now = clock.now();
      if (next === undefined || next > now) {
        waitMs = next === undefined ? MAX_SLEEP_MS : Math.min(next - now, MAX_SLEEP_MS);
        again = 0;
      } else {
        // Due already: one that became due since the look (look again now), or one left due
        // by a full queue, a failure or a scheduler of another jitter (look again after the
        // longest sleep, never in a spin).
        waitMs = stuck || again >= 2 ? MAX_SLEEP_MS : 0;
        again = waitMs === 0 ? again + 1 : 0;
      }
      failures = 0;
    } catch (error) {
      if (signal.aborted) break;
      options.onError?.(toTgfetchError(error), 'look');
      // Short: a look is three round trips, and ticks wait on it (Redis back from a restart).
      waitMs = backoffDelay(failures++, { baseMs: 250, maxMs: 2_000, jitter: 'equal' });
    }
    if (waitMs > 0) await clock.sleep(waitMs, signal).catch(() => {});
  }
}

/** A log line's fields for a scheduler problem. */
export function schedulerProblem(error: TgfetchError): { error_type: string; err: string } {
  const info = errorInfo(error);
  return { error_type: info.code, err: info.message };
}
