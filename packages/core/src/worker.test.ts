import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { DeliveryErrorCode } from './error-codes.js';
import { TransientError } from './errors.js';
import { createMemoryEventSink } from './memory/events.js';
import { createMemoryLock } from './memory/lock.js';
import { createMemoryQueue, type MemoryQueue } from './memory/queue.js';
import { createMemorySource } from './memory/source.js';
import { createMemoryProgress, createMemoryStore } from './memory/store.js';
import type { ChatLock, EventSink, MessageSource } from './ports.js';
import type { Delivery } from './queue.js';
import { makeMessages } from './testing/messages.js';
import { createWorker, type Worker } from './worker.js';

const day = '2025-11-07';
const messages = makeMessages({ chat: '@x', start: Date.parse(`${day}T00:00:00Z`), count: 5 });
const command = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ command: 'fetch', chat: '@x', mode: 'date', date: day, ...extra });

function ports(events: EventSink, lock: ChatLock = createMemoryLock()) {
  return {
    source: createMemorySource({ '@x': messages, '@y': [] }),
    store: createMemoryStore(),
    progress: createMemoryProgress(),
    events,
    lock,
  };
}

/** Runs `fn` with a worker, stopped and its queue closed afterwards. */
async function withWorker(queue: MemoryQueue, worker: Worker, fn: () => Promise<void>) {
  try {
    await fn();
  } finally {
    await worker.stop();
    await queue.close();
  }
}

/** A queue whose service fails the first `failures` acks (a dropped connection). */
function failingAcks(inner: MemoryQueue, failures: number): MemoryQueue & { acks: number } {
  const queue = Object.assign(Object.create(inner) as MemoryQueue, {
    acks: 0,
    async next(signal?: AbortSignal): Promise<Delivery | undefined> {
      const delivery = await inner.next(signal);
      if (!delivery) return undefined;
      return {
        ...delivery,
        ack: async () => {
          if (queue.acks++ < failures) throw new TransientError('REDIS_DISCONNECTED', 'dropped');
          await delivery.ack();
        },
      };
    },
  });
  return queue;
}

describe('worker', () => {
  it('runs commands and acknowledges them, completed or failed alike', async () => {
    const queue = createMemoryQueue();
    const events = createMemoryEventSink();
    const outcomes: string[] = [];
    queue.push(command({ command_id: 'ok' }));
    queue.push('{"command":"fetch"');
    const worker = createWorker({
      queue,
      ports: ports(events),
      onOutcome: (outcome) => outcomes.push(outcome.event),
    });
    await withWorker(queue, worker, async () => {
      await expect.poll(() => outcomes).toEqual(['completed', 'failed']);
      expect(await queue.length()).toBe(0);
      expect(await queue.deadLength()).toBe(0);
    });
  });

  it('counts a handling that throws as a delivery, and reports the dead letter', async () => {
    const queue = createMemoryQueue({ maxDeliveries: 3 });
    const events = createMemoryEventSink();
    // What a stack overflow in the handling would throw.
    const crashingLock: ChatLock = {
      acquire: async () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    };
    const errors: string[] = [];
    queue.push(command({ command_id: 'crash' }));
    const worker = createWorker({
      queue,
      ports: ports(events, crashingLock),
      runOptions: { workerId: 'w1' },
      onError: (error) => errors.push(error.code),
    });
    await withWorker(queue, worker, async () => {
      await expect.poll(() => events.events.some((e) => e.event === 'failed')).toBe(true);
      expect(queue.dead).toEqual([command({ command_id: 'crash' })]);
      expect(await queue.length()).toBe(0);
      expect(errors).toEqual(['UNEXPECTED', 'UNEXPECTED', 'UNEXPECTED']);
      expect(events.events.at(-1)).toMatchObject({
        event: 'failed',
        command_id: 'crash',
        chat: '@x',
        mode: 'date',
        errors: 3,
        worker_id: 'w1',
        error: { code: DeliveryErrorCode.POISON_COMMAND, retryable: false },
      });
    });
  });

  it('runs a command without command_id under one id through all its deliveries', async () => {
    const queue = createMemoryQueue();
    const seen = createMemoryEventSink();
    let completions = 0;
    // The first `completed` cannot be published: the command runs again.
    const events: EventSink = {
      async publish(event) {
        if (event.event === 'completed' && completions++ === 0) throw new Error('publish lost');
        await seen.publish(event);
      },
    };
    queue.push(command());
    const worker = createWorker({ queue, ports: ports(events) });
    await withWorker(queue, worker, async () => {
      await expect.poll(() => seen.events.some((e) => e.event === 'completed')).toBe(true);
      expect(seen.events.filter((e) => e.event === 'started')).toHaveLength(2);
      expect(new Set(seen.events.map((e) => e.command_id)).size).toBe(1);
    });
  });

  it('puts a command whose chat is busy back, uncounted, while it takes other work', async () => {
    const queue = createMemoryQueue({ maxDeliveries: 1 });
    const events = createMemoryEventSink();
    let busy = true;
    const memoryLock = createMemoryLock();
    const lock: ChatLock = {
      async acquire(chat, signal) {
        if (busy && chat === '@x') {
          throw new TransientError(DeliveryErrorCode.CHAT_BUSY, 'another worker holds @x');
        }
        return memoryLock.acquire(chat, signal);
      },
    };
    queue.push(command({ command_id: 'busy' }));
    queue.push(JSON.stringify({ command: 'fetch', chat: '@y', mode: 'date', date: day }));
    const worker = createWorker({ queue, ports: ports(events, lock), busyRetryMs: 20 });
    await withWorker(queue, worker, async () => {
      await expect.poll(() => events.events.some((e) => e.event === 'completed')).toBe(true);
      expect(events.events.some((e) => e.command_id === 'busy')).toBe(false);
      busy = false;
      await expect
        .poll(() => events.events.some((e) => e.command_id === 'busy' && e.event === 'completed'))
        .toBe(true);
      // Going back for a busy chat is not a delivery: with maxDeliveries 1, nothing died.
      expect(queue.dead).toEqual([]);
    });
  });

  it('keeps a command whose chat is busy in hand for busyRetryMs of its clock', async () => {
    const queue = createMemoryQueue();
    const clock = createVirtualClock(undefined, { autoAdvance: false });
    const lock: ChatLock = {
      acquire: async () => {
        throw new TransientError(DeliveryErrorCode.CHAT_BUSY, 'another worker holds @x');
      },
    };
    queue.push(command({ command_id: 'busy' }));
    const worker = createWorker({
      queue,
      ports: ports(createMemoryEventSink(), lock),
      runOptions: { clock },
    });
    await withWorker(queue, worker, async () => {
      await expect.poll(() => clock.slept).toEqual([1_000]);
      clock.advance(999);
      await new Promise(setImmediate);
      expect(clock.slept).toEqual([1_000]);
      clock.advance(1);
      // Back in the queue, taken again, still busy: in hand again.
      await expect.poll(() => clock.slept).toEqual([1_000, 1_000]);
    });
  });

  it('hands a running command back uncounted when stopped past its grace', async () => {
    const queue = createMemoryQueue({ maxDeliveries: 1 });
    const events = createMemoryEventSink();
    // Never yields: only an abort ends the walk.
    const hanging: MessageSource = {
      async *messages(_request, signal) {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      },
    };
    queue.push(command({ command_id: 'long' }));
    const worker = createWorker({ queue, ports: { ...ports(events), source: hanging } });
    await expect.poll(() => events.events.some((e) => e.event === 'started')).toBe(true);
    await worker.stop({ graceMs: 10 });
    expect(await queue.length()).toBe(1);
    const again = await queue.next();
    expect(again?.attempt).toBe(1);
    expect(events.events.some((e) => e.event === 'failed')).toBe(false);
    await queue.close();
  });

  it('tries an ack again until it goes through, and says so', async () => {
    const inner = createMemoryQueue();
    const queue = failingAcks(inner, 1);
    const late: number[] = [];
    const errors: string[] = [];
    inner.push(command({ command_id: 'late' }));
    const worker = createWorker({
      queue,
      ports: ports(createMemoryEventSink()),
      onError: (error) => errors.push(error.code),
      onSettledLate: (_delivery, attempts) => late.push(attempts),
    });
    await withWorker(inner, worker, async () => {
      await expect.poll(() => late).toEqual([2]);
      expect(errors).toEqual(['REDIS_DISCONNECTED']);
    });
  });

  it('waits between tries of an ack on its clock, not on timers', async () => {
    const inner = createMemoryQueue();
    const queue = failingAcks(inner, 2);
    const clock = createVirtualClock(undefined, { autoAdvance: false });
    const late: number[] = [];
    inner.push(command({ command_id: 'late' }));
    const worker = createWorker({
      queue,
      ports: ports(createMemoryEventSink()),
      runOptions: { clock },
      onSettledLate: (_delivery, attempts) => late.push(attempts),
    });
    await withWorker(inner, worker, async () => {
      await expect.poll(() => clock.slept).toEqual([200]);
      clock.advance(199);
      await new Promise(setImmediate);
      expect([queue.acks, clock.slept]).toEqual([1, [200]]);
      clock.advance(1);
      // Tried again, failed again: the wait doubles.
      await expect.poll(() => clock.slept).toEqual([200, 400]);
      expect([queue.acks, late]).toEqual([2, []]);
      clock.advance(400);
      await expect.poll(() => late).toEqual([3]);
    });
  });

  it('tells how many deliveries it holds, from taken to settled, whatever the outcome', async () => {
    const queue = createMemoryQueue();
    const events = createMemoryEventSink();
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // '@x' waits at the gate: its command stays in hand while the invalid one is settled.
    const memory = ports(events).source;
    const gated: MessageSource = {
      async *messages(request, signal) {
        const aborted = new Promise((resolve) =>
          signal.addEventListener('abort', resolve, { once: true }),
        );
        await Promise.race([gate, aborted]);
        yield* memory.messages(request, signal);
      },
    };
    const held: number[] = [];
    const outcomes: string[] = [];
    queue.push(command({ command_id: 'slow' }));
    queue.push('{"command":"fetch"');
    const worker = createWorker({
      queue,
      ports: { ...ports(events), source: gated },
      concurrency: 2,
      onHeldChange: (n) => held.push(n),
      onOutcome: (outcome) => outcomes.push(`${outcome.event}:${held.at(-1)}`),
    });
    await withWorker(queue, worker, async () => {
      await expect.poll(() => outcomes).toEqual(['failed:1']);
      expect(held).toEqual([1, 2, 1]);
      open();
      await expect.poll(() => outcomes).toEqual(['failed:1', 'completed:0']);
      expect(held).toEqual([1, 2, 1, 0]);
    });
  });

  it('holds a command whose chat is busy until it goes back, and a dead letter until reported', async () => {
    const queue = createMemoryQueue({ maxDeliveries: 1 });
    const events = createMemoryEventSink();
    const busy: ChatLock = {
      acquire: async () => {
        throw new TransientError(DeliveryErrorCode.CHAT_BUSY, 'another worker holds @x');
      },
    };
    const held: number[] = [];
    queue.push(command({ command_id: 'busy' }));
    const worker = createWorker({
      queue,
      ports: ports(events, busy),
      busyRetryMs: 60_000,
      onHeldChange: (n) => held.push(n),
    });
    await expect.poll(() => held).toEqual([1]);
    expect(await queue.length()).toBe(0);
    await worker.stop();
    // Stopping hands it back: nothing is held any more.
    expect(held).toEqual([1, 0]);
    expect(await queue.length()).toBe(1);
    await queue.close();

    // A delivery the queue dead-lettered is held only while the worker reports it.
    const poisoned = createMemoryQueue({ maxDeliveries: 1 });
    poisoned.push(command({ command_id: 'poison' }));
    const first = await poisoned.next();
    await first?.release({ counted: true });
    const reported: number[] = [];
    const reporter = createWorker({
      queue: poisoned,
      ports: ports(events),
      onHeldChange: (n) => reported.push(n),
    });
    await withWorker(poisoned, reporter, async () => {
      await expect
        .poll(() => events.events.some((e) => e.command_id === 'poison' && e.event === 'failed'))
        .toBe(true);
      await expect.poll(() => reported).toEqual([1, 0]);
    });
  });

  it('ends with the queue when the queue fails for good', async () => {
    const inner = createMemoryQueue();
    const fatal = new TransientError('REDIS_UNAVAILABLE', 'gone');
    const queue = Object.assign(Object.create(inner) as MemoryQueue, {
      next: async () => Promise.reject(fatal),
    });
    const worker = createWorker({ queue, ports: ports(createMemoryEventSink()), concurrency: 2 });
    await expect(worker.done).rejects.toBe(fatal);
    await worker.stop();
  });
});
