import {
  type FetchOutcome,
  type FetchPorts,
  type RunOptions,
  runCommand,
  type TgfetchError,
  toTgfetchError,
} from '@tgfetch/core';
import type { CommandQueue, Delivery } from './delivery.js';

export interface WorkerOptions {
  queue: CommandQueue;
  ports: FetchPorts;
  /** Passed to core's `runCommand` (its `signal` is the worker's own). @default {} */
  runOptions?: Omit<RunOptions, 'signal'>;
  /** Commands run at once (use a `lock` in `ports` when above 1). @default 1 */
  concurrency?: number;
  /** Told of each finished command. @default none */
  onOutcome?: (outcome: FetchOutcome, delivery: Delivery) => void;
  /** Told of a command that could not be run or settled (it goes back to the queue). @default none */
  onError?: (error: TgfetchError, delivery: Delivery) => void;
}

export interface Worker {
  /** Settles when the worker stopped: rejects with the queue's fatal error (`REDIS_UNAVAILABLE`). */
  readonly done: Promise<void>;
  /**
   * Stops taking commands; lets running ones finish for `graceMs`, then aborts them (they go
   * back to the queue). Resolves once all slots are idle. @default graceMs 0
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Takes deliveries and runs them with core's `runCommand` (which publishes `failed` for an
 * invalid command itself): ack once it completed or failed, release when aborted.
 */
export function createWorker(options: WorkerOptions): Worker {
  const { queue, ports } = options;
  const taking = new AbortController();
  const running = new AbortController();

  const runOne = async (delivery: Delivery) => {
    try {
      const outcome = await runCommand(delivery.bytes ?? delivery.payload, ports, {
        ...options.runOptions,
        signal: running.signal,
      });
      await delivery.ack();
      options.onOutcome?.(outcome, delivery);
    } catch (error) {
      const e = toTgfetchError(error);
      // Aborted (shutdown) or not settled (Redis trouble while publishing): someone runs it again.
      if (e.code !== 'ABORTED') options.onError?.(e, delivery);
      await delivery.release().catch(() => {});
    }
  };

  const slot = async () => {
    for (;;) {
      const delivery = await queue.next(taking.signal);
      if (!delivery) return;
      await runOne(delivery);
    }
  };

  const slots = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, slot);
  const done = Promise.all(slots).then(
    () => {},
    (error: unknown) => {
      // One slot failed (Redis gone for good): the others must not keep running.
      taking.abort();
      running.abort();
      throw error;
    },
  );
  done.catch(() => {});

  return {
    done,
    async stop({ graceMs = 0 } = {}) {
      taking.abort();
      const timer = setTimeout(() => running.abort(), graceMs);
      try {
        await done;
      } catch {
        // `done` reports it.
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
