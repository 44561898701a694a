/**
 * The queue port: where a worker takes commands from. Producers push command payloads;
 * a worker takes one `Delivery` at a time, runs it and settles it exactly once. A command
 * handed out too often without being settled (its worker died, or its handling crashed)
 * is dead-lettered instead of run again. Adapters: `createMemoryQueue` here, the list and
 * stream queues of `@tgfetch/redis-transport`; every one runs `describeCommandQueue`.
 */

import { DeliveryErrorCode } from './error-codes.js';
import { coreError, type TgfetchError } from './errors.js';

/**
 * What a chat lock made with a wait limit throws once the limit passed and another holder
 * still has the chat: retryable, and the worker puts the command back for later.
 */
export function chatBusyError(chat: string): TgfetchError {
  return coreError(
    DeliveryErrorCode.CHAT_BUSY,
    `another worker is fetching ${chat.slice(0, 200)}; the command goes back to the queue`,
  );
}

/** One command handed to a worker. Settle it exactly once: `ack` or `release`. */
export interface Delivery {
  /**
   * The command as the producer pushed it (raw JSON, maybe invalid); for a stream entry of
   * flat fields, their JSON form.
   */
  readonly payload: string;
  /**
   * The raw bytes when the payload is not valid UTF-8 (`payload` is then their lossy
   * decoding): the worker hands these to `parseCommand`, which rejects them with
   * `INVALID_ENCODING` (RFC 8259 requires UTF-8) instead of running a changed command.
   */
  readonly bytes?: Uint8Array;
  /**
   * What deliveries are counted under, stable across deliveries of one command (see
   * `deliveryKey`; a stream entry's id). A command without `command_id` runs under an id
   * made from it (`stableCommandId`), so a re-run finishes under the id `started` announced.
   */
  readonly id: string;
  /** 1 on the first delivery; more when it came back after a worker died or released it. */
  readonly attempt: number;
  /**
   * The command was delivered `attempt - 1` times already (over the queue's
   * `maxDeliveries`) without being settled, and the queue has moved it to its dead letters
   * already: the worker must not run it, only report it (a `failed` event, code
   * `POISON_COMMAND`). `ack` and `release` of such a delivery do nothing. Why the queue
   * hands it out at all: the worker owns `ports.events`, the queue publishes nothing.
   */
  readonly deadLettered?: boolean;
  /** Done with it (completed or failed alike): it will not be delivered again. */
  ack(): Promise<void>;
  /**
   * Not done: put it back at the head of the queue for any worker. A graceful shutdown
   * does not count as a delivery; `{ counted: true }` (the handling crashed) keeps the count,
   * so a command that always crashes ends in the dead letters after `maxDeliveries`.
   */
  release(options?: ReleaseOptions): Promise<void>;
}

export interface ReleaseOptions {
  /** Keep this delivery in the count toward `maxDeliveries`. @default false */
  counted?: boolean;
}

/**
 * How a queue's link to its backing service stands (an in-memory queue is `ready` until
 * closed). `unresponsive`: connected, but a health probe got no reply in time; `failed`:
 * unreachable for too long, the queue gave up.
 */
export type QueueState =
  | 'connecting'
  | 'ready'
  | 'reconnecting'
  | 'unresponsive'
  | 'closed'
  | 'failed';

/** The consumer side of a command queue. */
export interface CommandQueue extends AsyncIterable<Delivery> {
  /**
   * Waits for the next command, oldest first (released ones first of all). Resolves
   * `undefined` when `signal` aborts or the queue is closed; rejects with the queue's fatal
   * error once it gave up (Redis: `REDIS_UNAVAILABLE` after `maxOutageMs`). One call at a
   * time: concurrent calls are served in call order.
   */
  next(signal?: AbortSignal): Promise<Delivery | undefined>;
  /** Commands waiting to be taken: pushed or released, not handed out yet. */
  length(): Promise<number>;
  /** Commands in the dead letters (delivered more than `maxDeliveries` times). */
  deadLength(): Promise<number>;
  state(): QueueState;
  /** `state() === 'ready'`. */
  readonly isReady: boolean;
  /** Stops taking (a waiting `next()` resolves `undefined`) and hands unclaimed commands back. */
  close(): Promise<void>;
}
