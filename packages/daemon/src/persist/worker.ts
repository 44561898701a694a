import {
  type Backoff,
  backoffDelay,
  type Clock,
  systemClock,
  type TgfetchError,
  toTgfetchError,
} from '@tgfetch/core';
import type { PgMessageSink } from '@tgfetch/pg-store';
import type { MessageDelivery, MessagesStreamReader } from '@tgfetch/redis-transport';

export interface PersistWorkerOptions {
  /** The messages stream, read through the persist group. */
  reader: Pick<MessagesStreamReader, 'next'>;
  /** Where the messages go: pg-store's sink, or any store's with the same `write`. */
  sink: Pick<PgMessageSink, 'write'>;
  /** Waits between retries. @default systemClock */
  clock?: Clock;
  /** Told what each batch did; the command turns it into metrics and logs. */
  onBatch?: (report: BatchReport) => void;
  /** Told of a failed attempt that will be retried (the database is down…). */
  onRetry?: (error: TgfetchError, delayMs: number) => void;
}

export interface BatchReport {
  entries: number;
  /** Messages inserted or replaced. */
  written: number;
  /** Messages that changed nothing: the same copy, or an older edit, was delivered again. */
  unchanged: number;
  /** Messages the store refused, moved to the dead letters. */
  dead: number;
  upsertSec: number;
  ackSec: number;
  batchSec: number;
}

export interface PersistWorker {
  /** Settles when the worker has stopped; rejects when Redis is gone for good. */
  readonly done: Promise<void>;
  /** Stops reading; the batch in hand is finished (it is left pending after `graceMs`). */
  stop(options: { graceMs: number }): Promise<void>;
}

const RETRY: Backoff = { baseMs: 100, maxMs: 5_000, jitter: 'equal' };

/**
 * The persistence worker: each batch of the messages stream goes to the sink in one write,
 * then every entry is acked, or dead-lettered when the sink refused its message. A batch is
 * settled only after it is stored: one that the sink cannot take now (the database is down)
 * is retried with backoff, and left pending when the worker stops meanwhile — never
 * dead-lettered for it.
 */
export function createPersistWorker(options: PersistWorkerOptions): PersistWorker {
  const { reader, sink } = options;
  const clock = options.clock ?? systemClock;
  const stopping = new AbortController();

  /** `attempt()`'s result, retried while it fails retryably; undefined once stopping. */
  const persistently = async <T>(attempt: () => Promise<T>): Promise<T | undefined> => {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        const failure = toTgfetchError(error);
        if (!failure.retryable) throw failure;
        const delayMs = backoffDelay(tries, RETRY);
        options.onRetry?.(failure, delayMs);
        // Stopping: left pending; this consumer name takes it back at once after a restart.
        if (stopping.signal.aborted) return undefined;
        const slept = await clock.sleep(delayMs, stopping.signal).then(
          () => true,
          () => false,
        );
        if (!slept) return undefined;
      }
    }
  };

  const handle = async (batch: MessageDelivery[]) => {
    const started = performance.now();
    const result = await persistently(() =>
      sink.write(batch.map((d) => ({ chat: d.chat, message: d.message }))),
    );
    if (!result) return;
    const stored = performance.now();
    const refused = new Map(result.refused.map((r) => [r.index, r.error]));
    const settle = (d: MessageDelivery, i: number) => {
      const error = refused.get(i);
      return error ? d.deadLetter(`${error.code}: ${error.message}`) : d.ack();
    };
    // Settling again settles only what did not go through the first time.
    await persistently(() => Promise.all(batch.map(settle)));
    const done = performance.now();
    options.onBatch?.({
      entries: batch.length,
      written: result.written,
      unchanged: result.unchanged,
      dead: refused.size,
      upsertSec: (stored - started) / 1000,
      ackSec: (done - stored) / 1000,
      batchSec: (done - started) / 1000,
    });
  };

  const loop = async () => {
    for (;;) {
      const batch = await reader.next(stopping.signal);
      if (!batch) return;
      await handle(batch);
    }
  };
  const done = loop();

  return {
    done,
    stop({ graceMs }) {
      stopping.abort();
      return Promise.race([
        done.catch(() => undefined),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    },
  };
}
