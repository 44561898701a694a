import { describe, expect, it } from 'vitest';
import { FloodWaitError } from '../errors.js';
import {
  describeCommandQueue,
  describeEventSink,
  describeMessageSource,
  describeMessageStore,
  describeProgressStore,
  describeRateMemory,
  makeMessages,
} from '../testing/index.js';
import { createMemoryEventSink } from './events.js';
import { createMemoryLock } from './lock.js';
import { createMemoryQueue } from './queue.js';
import { createMemoryRateMemory } from './rate-memory.js';
import { createMemorySource } from './source.js';
import { createMemoryProgress, createMemoryStore } from './store.js';

const messages = makeMessages({
  chat: '@memory',
  start: Date.parse('2025-10-01T00:00:00Z'),
  count: 300,
  step: 2_000_000,
});

describeMessageSource(
  'memory',
  async () => ({
    source: createMemorySource({ '@memory': messages }),
    chat: '@memory',
    messages,
  }),
  { unknownChat: '@nobody_here' },
);

describeMessageStore('memory', async () => ({ store: createMemoryStore() }), { dayComments: true });
describeProgressStore('memory', async () => ({ store: createMemoryProgress() }));
describeRateMemory('memory', async () => ({ store: createMemoryRateMemory() }));
describeEventSink('memory', async () => {
  const sink = createMemoryEventSink();
  return { sink, received: async () => sink.events };
});
describeCommandQueue('memory', async (options) => {
  const queue = createMemoryQueue(options);
  return { queue, push: async (payload) => queue.push(payload) };
});

describe('memory queue', () => {
  it('hands bytes that are not UTF-8 over as bytes, so the worker rejects them', async () => {
    const queue = createMemoryQueue();
    const bytes = Uint8Array.from([0x7b, 0xff, 0x7d]);
    queue.push(bytes);
    queue.push(new TextEncoder().encode('{"command":"fetch"}'));
    const raw = await queue.next();
    expect(raw?.bytes).toEqual(bytes);
    expect(raw?.payload).toBe('{\uFFFD}');
    const text = await queue.next();
    expect(text).toMatchObject({ payload: '{"command":"fetch"}' });
    expect(text?.bytes).toBeUndefined();
    await queue.close();
  });
});

describe('memory source', () => {
  it('throws the fault a test injects, where it injects it', async () => {
    const source = createMemorySource(
      { memory: messages },
      { fault: (yielded) => (yielded === 5 ? new FloodWaitError(3) : undefined) },
    );
    const seen: number[] = [];
    const error = await (async () => {
      for await (const m of source.messages(
        { chat: '@memory', from: 0, to: Date.now() },
        new AbortController().signal,
      )) {
        seen.push(m.id);
      }
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(5);
    expect(error).toBeInstanceOf(FloodWaitError);
  });

  it('rejects a chat that is not a chat', () => {
    const source = createMemorySource();
    expect(() => source.set('../etc', [])).toThrow(/not a chat/);
  });
});

describe('memory lock', () => {
  it('lets one holder per chat in at a time, in order', async () => {
    const lock = createMemoryLock();
    const signal = new AbortController().signal;
    const order: string[] = [];
    const releaseA = await lock.acquire('@x', signal);
    const b = lock.acquire('@x', signal).then((release) => {
      order.push('b');
      return release;
    });
    const other = await lock.acquire('@y', signal);
    order.push('y');
    await other();
    order.push('a-release');
    await releaseA();
    const releaseB = await b;
    await releaseB();
    expect(order).toEqual(['y', 'a-release', 'b']);
    await (await lock.acquire('@x', signal))();
  });

  it('gives up waiting when aborted, without blocking later waiters', async () => {
    const lock = createMemoryLock();
    const release = await lock.acquire('@x', new AbortController().signal);
    const controller = new AbortController();
    const waiting = lock.acquire('@x', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    const later = lock.acquire('@x', new AbortController().signal);
    await release();
    await (await later)();
    const aborted = new AbortController();
    aborted.abort();
    await expect(lock.acquire('@z', aborted.signal)).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
