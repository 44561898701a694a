import { deliveryKey } from '../delivery-id.js';
import type { CommandQueue, Delivery } from '../queue.js';

export interface MemoryQueueOptions {
  /** Deliveries allowed before a command goes to the dead letters. @default 5 */
  maxDeliveries?: number;
}

export interface MemoryQueue extends CommandQueue {
  /** Adds a command at the tail, as a producer does (bytes that are not UTF-8 are kept). */
  push(payload: string | Uint8Array): void;
  /** The dead-lettered payloads, oldest first. */
  readonly dead: readonly string[];
}

interface Item {
  payload: string;
  bytes?: Uint8Array;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/**
 * A command queue in this process: the default for embedding and the test double of the
 * worker. It has no visibility timeout: whoever holds a delivery lives in this process,
 * and dies with the queue. Deliveries are counted per `deliveryKey`, so a command that
 * keeps being released `{ counted: true }` is dead-lettered after `maxDeliveries`.
 */
export function createMemoryQueue(options: MemoryQueueOptions = {}): MemoryQueue {
  const maxDeliveries = options.maxDeliveries ?? 5;
  const waiting: Item[] = [];
  const dead: string[] = [];
  /** Delivery key → deliveries counted so far (dropped once acked or dead-lettered). */
  const counts = new Map<string, number>();
  /** Wakes every waiting `next()` to look again (a push, a release, close). */
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const fn of [...wakers]) fn();
  };
  let closed = false;
  let turn: Promise<unknown> = Promise.resolve();

  const count = (id: string, by: number) => {
    const n = (counts.get(id) ?? 0) + by;
    if (n > 0) counts.set(id, n);
    else counts.delete(id);
    return n;
  };

  const deliver = (item: Item): Delivery => {
    const id = deliveryKey(item.payload);
    const attempt = count(id, 1);
    const about = { payload: item.payload, ...(item.bytes ? { bytes: item.bytes } : {}), id };
    if (attempt > maxDeliveries) {
      dead.push(item.payload);
      counts.delete(id);
      const nothing = async () => {};
      return { ...about, attempt, deadLettered: true, ack: nothing, release: nothing };
    }
    let settled = false;
    const once = (fn: () => void) => async () => {
      if (settled) return;
      settled = true;
      fn();
    };
    return {
      ...about,
      attempt,
      ack: once(() => counts.delete(id)),
      release: (how) =>
        once(() => {
          if (!how?.counted) count(id, -1);
          waiting.unshift(item);
          wake();
        })(),
    };
  };

  /** Resolves once something changed or `signal` aborted; true when it aborted. */
  const changed = (signal: AbortSignal | undefined) =>
    new Promise<boolean>((resolve) => {
      const done = (aborted: boolean) => {
        wakers.delete(onWake);
        signal?.removeEventListener('abort', onAbort);
        resolve(aborted);
      };
      const onWake = () => done(false);
      const onAbort = () => done(true);
      wakers.add(onWake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  const take = async (signal: AbortSignal | undefined): Promise<Delivery | undefined> => {
    for (;;) {
      if (closed || signal?.aborted) return undefined;
      const item = waiting.shift();
      if (item) return deliver(item);
      if (await changed(signal)) return undefined;
    }
  };

  const next = (signal?: AbortSignal) => {
    // One call at a time, in call order, as the port says.
    const result = turn.then(() => take(signal));
    turn = result.catch(() => {});
    return result;
  };

  return {
    dead,
    push(payload) {
      waiting.push(typeof payload === 'string' ? { payload } : fromBytes(payload));
      wake();
    },
    next,
    length: async () => waiting.length,
    deadLength: async () => dead.length,
    state: () => (closed ? 'closed' : 'ready'),
    get isReady() {
      return !closed;
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const delivery = await next();
        if (!delivery) return;
        yield delivery;
      }
    },
    async close() {
      closed = true;
      wake();
    },
  };
}

function fromBytes(bytes: Uint8Array): Item {
  try {
    return { payload: strictUtf8.decode(bytes) };
  } catch {
    // Handed to the worker as bytes, so that the command is rejected (INVALID_ENCODING), not run.
    return { payload: lossyUtf8.decode(bytes), bytes };
  }
}
