import type { CommandQueue, Delivery } from '@tgfetch/core';
import type { Connection } from './connection.js';
import { abortPromise, serial } from './delivery.js';
import { configurationError } from './errors.js';

/**
 * What one look at the caller's buffer found: something to hand out, `'again'` (something
 * was used up without a result: look again at once) or `'read'` (nothing buffered: wait
 * for a blocking read, then look again).
 */
export type Look<T> = T | 'again' | 'read';

export interface BlockingReadOptions<T extends object> {
  connection: Connection;
  /**
   * One blocking read into the caller's buffer (on a dedicated client the caller destroys
   * on close). Only one runs at a time; it may outlive the `next()` that started it.
   */
  read: () => Promise<void>;
  /**
   * Takes what the buffer holds. On a lost connection it puts back what it took and
   * throws: the loop pauses and looks again; any other error ends `next()`.
   */
  look: () => Promise<Look<T>>;
}

/** The read loop shared by the command queues and the events reader. */
export interface BlockingRead<T> {
  /**
   * The next value, one call at a time. Resolves `undefined` when `signal` aborts or
   * `close()` was called; rejects with the fatal error once the outage limit is passed.
   */
  next(signal?: AbortSignal): Promise<T | undefined>;
  readonly closed: boolean;
  /** A read is under way: its reply may still fill the buffer. */
  readonly reading: boolean;
  /** Ends the waiting `next()` with `undefined`; cutting the blocked read is the caller's. */
  close(): void;
}

export function createBlockingRead<T extends object>(
  options: BlockingReadOptions<T>,
): BlockingRead<T> {
  const { connection, look } = options;
  const take = serial();
  let pending: Promise<void> | undefined;
  let closed = false;
  let resolveClosed = () => {};
  const closing = new Promise<'closed'>((resolve) => {
    resolveClosed = () => resolve('closed');
  });
  // Aborted on close() or when the connection fails for good. Waits race this through a
  // listener they remove: a Promise.race on a promise that never settles (`closing`,
  // `connection.failed`) adds a reaction to it per call, each holding that call's result,
  // so a long-running worker kept every delivery it ever handed out (~6 KB a command).
  const wake = new AbortController();
  connection.failed.catch(() => wake.abort());

  const read = async () => {
    try {
      await options.read();
    } catch (error) {
      if (closed) return;
      // A key of another type (made after we started), refused credentials: no retry
      // helps, so everything stops for good with that error.
      const refused = configurationError(error, connection.where);
      if (refused) connection.abandon(refused);
      // A reply error (not a lost connection) would repeat at once: pause before retrying.
      if (!connection.translate(error).retryable) await Promise.race([closing, sleep(1_000)]);
    }
  };

  /**
   * `work`'s result, or `'stopped'` when `aborted` or close() comes first; rejects with the
   * connection's fatal error when that comes first.
   */
  const until = async <R>(work: Promise<R>, aborted: Promise<'aborted'>) => {
    const woken = abortPromise(wake.signal);
    try {
      const outcome = await Promise.race([
        work,
        aborted,
        woken.promise.then(() => 'woken' as const),
      ]);
      if (outcome === 'aborted') return 'stopped';
      // A failed connection (which closes the loop too) ends the wait with its error.
      if (connection.failure()) await connection.failed;
      if (closed || outcome === 'woken') return 'stopped';
      return outcome;
    } finally {
      woken.dispose();
    }
  };

  /** Waits for `work`; true when the caller should stop instead (aborted or closed). */
  const stopped = async (work: Promise<unknown>, aborted: Promise<'aborted'>) =>
    (await until(work, aborted)) === 'stopped';

  const next = (signal?: AbortSignal) =>
    take(async (): Promise<T | undefined> => {
      const aborted = abortPromise(signal);
      try {
        for (;;) {
          if (closed || signal?.aborted) return undefined;
          const failure = connection.failure();
          if (failure) throw failure;
          let found: Look<T> | 'stopped';
          try {
            // A silent server must not hold a stopping worker here: what the look took
            // stays in Redis's bookkeeping and comes back through the visibility timeout.
            const looking = look();
            found = await until(looking, aborted.promise);
            if (found === 'stopped') {
              looking.catch(() => {});
              return undefined;
            }
          } catch (error) {
            const translated = connection.translate(error);
            if (!translated.retryable) throw translated;
            // The connection dropped: node-redis reconnects while the outage clock runs.
            if (await stopped(sleep(100), aborted.promise)) return undefined;
            continue;
          }
          if (found === 'again') continue;
          if (found !== 'read') return found;
          pending ??= read().finally(() => {
            pending = undefined;
          });
          if (await stopped(pending, aborted.promise)) return undefined;
        }
      } catch (error) {
        throw connection.translate(error);
      } finally {
        aborted.dispose();
      }
    });

  return {
    next,
    get closed() {
      return closed;
    },
    get reading() {
      return pending !== undefined;
    },
    close() {
      closed = true;
      resolveClosed();
      wake.abort();
    },
  };
}

/** What a queue counts, each with one Redis call or script (see `CommandQueue`). */
export type QueueLengths = Pick<CommandQueue, 'length' | 'deadLength'>;

/**
 * The `CommandQueue` face of a queue's read loop, list or streams mode alike. `close()`
 * ends the loop, then runs `stop` once: the queue's own timers, the hand-back of what it
 * holds, its connection.
 */
export function commandQueue(
  connection: Connection,
  loop: BlockingRead<Delivery>,
  lengths: QueueLengths,
  stop: () => Promise<void>,
): CommandQueue {
  const { next } = loop;
  const counted = (count: () => Promise<number>) => async () => {
    try {
      return await connection.deadline(count(), 'counting commands');
    } catch (error) {
      throw connection.translate(error);
    }
  };
  return {
    next,
    length: counted(lengths.length),
    deadLength: counted(lengths.deadLength),
    state: connection.state,
    get isReady() {
      return connection.state() === 'ready';
    },
    [Symbol.asyncIterator]: () => iterate(next),
    async close() {
      if (loop.closed) return;
      loop.close();
      await stop();
    },
  };
}

/** An async iterator over `next()` until it resolves `undefined`. */
export async function* iterate<T>(next: () => Promise<T | undefined>): AsyncGenerator<T> {
  for (;;) {
    const value = await next();
    if (value === undefined) return;
    yield value;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
