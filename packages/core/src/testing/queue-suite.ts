import { describe, expect, it } from 'vitest';
import { createMemoryEventSink } from '../memory/events.js';
import { createMemorySource } from '../memory/source.js';
import { createMemoryProgress, createMemoryStore } from '../memory/store.js';
import type { CommandQueue, Delivery } from '../queue.js';
import { createWorker } from '../worker.js';

export interface QueueFixture {
  /** A queue of its own (nothing pushed yet), dead-lettering past `maxDeliveries`. */
  queue: CommandQueue;
  /** Adds a command payload at the tail, as a producer does. */
  push(payload: string): Promise<void>;
  cleanup?: () => Promise<void>;
}

export interface QueueSetupOptions {
  maxDeliveries: number;
}

const command = (id: string) =>
  JSON.stringify({
    command: 'fetch',
    chat: '@queue',
    mode: 'date',
    date: '2025-11-07',
    command_id: id,
  });

const idOf = (delivery: Delivery | undefined) =>
  delivery ? (JSON.parse(delivery.payload) as { command_id: string }).command_id : undefined;

/** The next delivery; fails the test instead of waiting past the deadline. */
async function take(queue: CommandQueue, timeoutMs: number): Promise<Delivery> {
  const signal = AbortSignal.timeout(timeoutMs);
  const delivery = await queue.next(signal);
  if (!delivery) throw new Error(`no delivery within ${timeoutMs} ms`);
  return delivery;
}

/**
 * The `CommandQueue` contract: oldest first, released commands first of all; settled once;
 * counted releases count toward `maxDeliveries`, past which the command is handed out
 * flagged `deadLettered` (and the worker reports it); `length` counts what waits;
 * `next()` resolves `undefined` on abort and on close.
 */
export function describeCommandQueue(
  name: string,
  setup: (options: QueueSetupOptions) => Promise<QueueFixture>,
  options: { timeoutMs?: number } = {},
): void {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const withQueue =
    (fn: (fixture: QueueFixture) => Promise<void>, maxDeliveries = 5) =>
    async () => {
      const fixture = await setup({ maxDeliveries });
      try {
        await fn(fixture);
      } finally {
        await fixture.queue.close();
        await fixture.cleanup?.();
      }
    };

  describe(`CommandQueue conformance: ${name}`, () => {
    it(
      'hands commands out oldest first, and counts those waiting',
      withQueue(async ({ queue, push }) => {
        for (const id of ['a', 'b', 'c']) await push(command(id));
        expect(await queue.length()).toBe(3);
        const first = await take(queue, timeoutMs);
        expect(first.attempt).toBe(1);
        expect(first.deadLettered).toBeFalsy();
        expect(await queue.length()).toBe(2);
        const rest = [await take(queue, timeoutMs), await take(queue, timeoutMs)];
        expect([first, ...rest].map(idOf)).toEqual(['a', 'b', 'c']);
        expect(new Set([first, ...rest].map((d) => d.id)).size).toBe(3);
        for (const delivery of [first, ...rest]) await delivery.ack();
        expect(await queue.length()).toBe(0);
        expect(await queue.deadLength()).toBe(0);
        expect(queue.isReady).toBe(true);
      }),
    );

    it(
      'does not hand out an acknowledged command again',
      withQueue(async ({ queue, push }) => {
        await push(command('a'));
        await (await take(queue, timeoutMs)).ack();
        await push(command('b'));
        expect(idOf(await take(queue, timeoutMs))).toBe('b');
      }),
    );

    it(
      'puts a released command back at the head, not counted unless asked',
      withQueue(async ({ queue, push }) => {
        await push(command('a'));
        await push(command('b'));
        await (await take(queue, timeoutMs)).release();
        expect(await queue.length()).toBe(2);
        const again = await take(queue, timeoutMs);
        expect([idOf(again), again.attempt]).toEqual(['a', 1]);
        await again.release({ counted: true });
        const counted = await take(queue, timeoutMs);
        expect([idOf(counted), counted.attempt]).toEqual(['a', 2]);
        await counted.ack();
        expect(idOf(await take(queue, timeoutMs))).toBe('b');
      }),
    );

    it(
      'settles a delivery once: the first of ack and release wins',
      withQueue(async ({ queue, push }) => {
        // Each settles with `first`, then tries the other way and `first` again.
        for (const [id, first, waiting] of [
          ['a', 'ack', 0],
          ['b', 'release', 1],
        ] as const) {
          await push(command(id));
          const delivery = await take(queue, timeoutMs);
          const second: 'ack' | 'release' = first === 'ack' ? 'release' : 'ack';
          for (const how of [first, second, first]) await delivery[how]();
          expect(await queue.length()).toBe(waiting);
        }
        const back = await take(queue, timeoutMs);
        expect([idOf(back), back.attempt]).toEqual(['b', 1]);
      }),
    );

    it(
      'dead-letters a command past maxDeliveries, and the worker reports it',
      withQueue(async ({ queue, push }) => {
        await push(command('poison'));
        for (const attempt of [1, 2]) {
          const delivery = await take(queue, timeoutMs);
          expect(delivery.attempt).toBe(attempt);
          // What a worker does when the handling crashed.
          await delivery.release({ counted: true });
        }
        const events = createMemoryEventSink();
        const worker = createWorker({
          queue,
          ports: {
            source: createMemorySource({}),
            store: createMemoryStore(),
            progress: createMemoryProgress(),
            events,
          },
          runOptions: { workerId: 'conformance' },
        });
        try {
          await expect.poll(() => events.events.length, { timeout: timeoutMs }).toBe(1);
        } finally {
          await worker.stop();
        }
        expect(events.events[0]).toMatchObject({
          event: 'failed',
          status: 'failed',
          command_id: 'poison',
          chat: '@queue',
          mode: 'date',
          params: { date: '2025-11-07' },
          errors: 2,
          worker_id: 'conformance',
          error: { code: 'POISON_COMMAND', retryable: false },
        });
        expect(await queue.length()).toBe(0);
        expect(await queue.deadLength()).toBe(1);
      }, 2),
    );

    it(
      'resolves next() with undefined when its signal aborts',
      withQueue(async ({ queue, push }) => {
        expect(await queue.next(AbortSignal.abort())).toBeUndefined();
        const controller = new AbortController();
        const waiting = queue.next(controller.signal);
        controller.abort();
        expect(await waiting).toBeUndefined();
        // Nothing was lost to the aborted call.
        await push(command('a'));
        expect(idOf(await take(queue, timeoutMs))).toBe('a');
      }),
    );

    it(
      'resolves next() with undefined once closed',
      withQueue(async ({ queue }) => {
        const waiting = queue.next();
        await queue.close();
        expect(await waiting).toBeUndefined();
        expect(await queue.next()).toBeUndefined();
        expect(queue.state()).toBe('closed');
        expect(queue.isReady).toBe(false);
      }),
    );
  });
}
