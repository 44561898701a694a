import { type Backoff, backoffDelay } from './backoff.js';
import { systemClock } from './clock.js';
import { deadLetterEvent } from './dead-letter.js';
import { stableCommandId } from './delivery-id.js';
import type { FetchOutcome, FetchPorts, RunOptions } from './engine.js';
import { DeliveryErrorCode, EngineErrorCode } from './error-codes.js';
import { type TgfetchError, toTgfetchError } from './errors.js';
import type { CommandQueue, Delivery } from './queue.js';
import { type CommandHandlers, runCommand } from './run-command.js';

/** Between tries of an ack or release: 200 ms, doubling, at most 2 s. */
const settleBackoff: Backoff = { baseMs: 100, maxMs: 2_000 };

export interface WorkerOptions {
  queue: CommandQueue;
  ports: FetchPorts;
  /**
   * Passed to core's `runCommand` (its `signal` is the worker's own). Its `clock` is the
   * worker's too: the waits before putting a busy chat back and between tries of an ack or
   * release are slept on it. @default {}
   */
  runOptions?: Omit<RunOptions, 'signal'>;
  /**
   * Runs the commands other than fetch (follow, unfollow), with the worker's signal; they
   * are settled as fetches are (see `CommandHandlers`). Without a handler such a command
   * gets a `failed` event, code `COMMAND_UNSUPPORTED`, and is acknowledged. @default none
   */
  handlers?: CommandHandlers;
  /** Commands run at once (use a `lock` in `ports` when above 1). @default 1 */
  concurrency?: number;
  /**
   * How long a command whose chat another worker holds (the lock failed with `CHAT_BUSY`)
   * waits in hand before it goes back to the queue; meanwhile the slot takes other work.
   * @default 1_000
   */
  busyRetryMs?: number;
  /** Told of each finished fetch, and of each command refused (its `failed` event). @default none */
  onOutcome?: (outcome: FetchOutcome, delivery: Delivery) => void;
  /** Told of a command that could not be run or settled (it goes back to the queue). @default none */
  onError?: (error: TgfetchError, delivery: Delivery) => void;
  /** Told of a command that could be settled only after retrying (the queue's service came back). @default none */
  onSettledLate?: (delivery: Delivery, attempts: number) => void;
  /**
   * Told how many deliveries the worker holds each time that changes: one more when one is
   * taken from the queue, one fewer once it is settled whatever the outcome (acknowledged,
   * released, reported as a dead letter, or left to the queue's visibility timeout when
   * settling it gave up). A command whose chat is busy is held until it goes back.
   * @default none
   */
  onHeldChange?: (held: number) => void;
}

export interface Worker {
  /** Settles when the worker stopped: rejects with the queue's fatal error (Redis: `REDIS_UNAVAILABLE`). */
  readonly done: Promise<void>;
  /**
   * Stops taking commands; lets running ones finish for `graceMs`, then aborts them (they go
   * back to the queue). Resolves once all slots are idle. @default graceMs 0
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Takes deliveries and runs them with `runCommand` (which publishes `failed` for an
 * invalid command itself, and hands follow and unfollow to `handlers`): ack once it
 * completed or failed; release when aborted (not
 * counted) or when handling it threw (counted, so a command that always crashes ends in the
 * dead letters, where the worker reports it with a `failed` event, code `POISON_COMMAND`,
 * through `ports.events`). An ack or release that fails (the queue's service away or
 * silent) is kept and tried again until it goes through: a live worker never forgets a
 * command it holds.
 */
export function createWorker(options: WorkerOptions): Worker {
  const { queue, ports } = options;
  const busyRetryMs = options.busyRetryMs ?? 1_000;
  const clock = options.runOptions?.clock ?? systemClock;
  const taking = new AbortController();
  const running = new AbortController();
  /** Commands whose chat was busy, waiting in hand to go back to the queue. */
  const deferred = new Map<Delivery, AbortController>();
  let held = 0;
  const hold = (by: 1 | -1) => {
    held += by;
    options.onHeldChange?.(held);
  };

  /** Runs `fn` (an ack or release) until it goes through, the queue fails or a hard stop. */
  const settle = async (delivery: Delivery, fn: () => Promise<void>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await fn();
        if (attempt > 1) options.onSettledLate?.(delivery, attempt);
        return;
      } catch (error) {
        const e = toTgfetchError(error);
        if (attempt === 1) options.onError?.(e, delivery);
        // Gone for good (exit and be restarted) or a hard stop: what we hold comes back
        // through the queue's visibility timeout.
        if (!e.retryable || running.signal.aborted) return;
        // A hard stop cuts the wait short: one last try, then the abort above ends it.
        await clock.sleep(backoffDelay(attempt, settleBackoff), running.signal).catch(() => {});
      }
    }
  };

  /** The chat is busy: keep it in hand a while, then put it back (not counted). */
  const defer = (delivery: Delivery) => {
    const waiting = new AbortController();
    deferred.set(delivery, waiting);
    clock.sleep(busyRetryMs, waiting.signal).then(
      () => {
        // Unless the worker, stopping, has put it back already.
        if (deferred.get(delivery) !== waiting) return;
        deferred.delete(delivery);
        void settle(delivery, () => delivery.release()).then(() => hold(-1));
      },
      () => {},
    );
  };
  const releaseDeferred = async () => {
    const waiting = [...deferred.entries()];
    deferred.clear();
    for (const [, wait] of waiting) wait.abort();
    await Promise.all(
      waiting.map(async ([delivery]) => {
        await settle(delivery, () => delivery.release());
        hold(-1);
      }),
    );
  };

  /** The queue moved it to its dead letters already: it is reported, never run. */
  const reportDeadLetter = async (delivery: Delivery) => {
    const workerId = options.runOptions?.workerId ?? 'embedded';
    const now = clock.now();
    try {
      await ports.events.publish(deadLetterEvent(delivery, workerId, now));
    } catch {
      // The dead letter is the record that matters; a lost event must not stop the worker.
    }
  };

  const runOne = async (delivery: Delivery) => {
    let outcome: FetchOutcome | undefined;
    try {
      outcome = await runCommand(delivery.bytes ?? delivery.payload, ports, {
        ...options.runOptions,
        ...(options.handlers ? { handlers: options.handlers } : {}),
        signal: running.signal,
        // A command without command_id keeps one id through every delivery of it.
        newId: () => stableCommandId(delivery.id),
      });
    } catch (error) {
      const e = toTgfetchError(error);
      if (e.code === DeliveryErrorCode.CHAT_BUSY) return defer(delivery);
      // Aborted (shutdown) goes back as it came; anything else (a crash, Redis trouble while
      // publishing) counts as a delivery, so a command that always crashes is dead-lettered.
      if (e.code !== EngineErrorCode.ABORTED) options.onError?.(e, delivery);
      await settle(delivery, () =>
        delivery.release({ counted: e.code !== EngineErrorCode.ABORTED }),
      );
      return hold(-1);
    }
    await settle(delivery, () => delivery.ack());
    hold(-1);
    // A handler ran it (follow, unfollow): the handler tells of it.
    if (outcome) options.onOutcome?.(outcome, delivery);
  };

  const slot = async () => {
    for (;;) {
      const delivery = await queue.next(taking.signal);
      if (!delivery) return;
      hold(1);
      if (delivery.deadLettered) {
        await reportDeadLetter(delivery);
        hold(-1);
      } else await runOne(delivery);
    }
  };

  const slots = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, slot);
  const done = Promise.all(slots).then(
    () => releaseDeferred(),
    (error: unknown) => {
      // One slot failed (Redis gone for good): the others must not keep running.
      taking.abort();
      running.abort();
      // What waited in hand comes back to others through the visibility timeout.
      for (const wait of deferred.values()) {
        wait.abort();
        hold(-1);
      }
      deferred.clear();
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
