import { describe, expect, it } from 'vitest';
import type { ChatCommand } from './command.js';
import { CommandErrorCode, DeliveryErrorCode } from './error-codes.js';
import { TransientError } from './errors.js';
import { createMemoryEventSink } from './memory/events.js';
import { createMemoryQueue } from './memory/queue.js';
import { createMemorySource } from './memory/source.js';
import { createMemoryProgress, createMemoryStore } from './memory/store.js';
import { runCommand } from './run-command.js';
import { createWorker } from './worker.js';

/** What the worker does with the commands that are not fetches: follow and unfollow. */

function setup() {
  const events = createMemoryEventSink();
  return {
    events,
    ports: {
      source: createMemorySource({ '@x': [] }),
      store: createMemoryStore(),
      progress: createMemoryProgress(),
      events,
    },
  };
}

const follow = JSON.stringify({ command: 'follow', chat: 'https://t.me/X', command_id: 'f-1' });
const unfollow = JSON.stringify({ command: 'unfollow', chat: '@x' });

describe('worker: follow and unfollow', () => {
  it('without handlers, fails them with COMMAND_UNSUPPORTED, acknowledges them and goes on', async () => {
    const { events, ports } = setup();
    const queue = createMemoryQueue();
    queue.push(follow);
    queue.push(JSON.stringify({ command: 'fetch', chat: '@x', mode: 'date', date: '2025-11-07' }));
    const outcomes: string[] = [];
    const worker = createWorker({
      queue,
      ports,
      runOptions: { workerId: 'w1' },
      onOutcome: (o) => outcomes.push(`${o.event}:${o.event === 'failed' ? o.error.code : ''}`),
    });
    try {
      await expect.poll(() => outcomes).toEqual(['failed:COMMAND_UNSUPPORTED', 'completed:']);
      expect(events.events[0]).toMatchObject({
        event: 'failed',
        command: 'follow',
        command_id: 'f-1',
        chat: '@x',
        mode: null,
        params: {},
        worker_id: 'w1',
        error: { code: CommandErrorCode.COMMAND_UNSUPPORTED, retryable: false },
      });
      expect(await queue.length()).toBe(0);
      expect(await queue.deadLength()).toBe(0);
    } finally {
      await worker.stop();
      await queue.close();
    }
  });

  it('hands each to its handler, parsed, and acknowledges it once the handler resolves', async () => {
    const { events, ports } = setup();
    const queue = createMemoryQueue();
    queue.push(follow);
    queue.push(unfollow);
    const seen: ChatCommand[] = [];
    const outcomes: string[] = [];
    const worker = createWorker({
      queue,
      ports,
      handlers: {
        follow: async (command, signal) => {
          expect(signal.aborted).toBe(false);
          seen.push(command);
        },
        unfollow: async (command) => {
          seen.push(command);
        },
      },
      onOutcome: (o) => outcomes.push(o.event),
    });
    try {
      await expect.poll(() => seen.length).toBe(2);
      expect(seen[0]).toEqual({ command: 'follow', chat: '@x', command_id: 'f-1' });
      expect(seen[1]).toMatchObject({ command: 'unfollow', chat: '@x' });
      await expect.poll(() => queue.length()).toBe(0);
      // The handler tells of its own work: the worker publishes nothing for it.
      expect(events.events).toEqual([]);
      expect(outcomes).toEqual([]);
    } finally {
      await worker.stop();
      await queue.close();
    }
  });

  it('settles a handler that fails as it settles a fetch: busy goes back, a crash is counted', async () => {
    const { events, ports } = setup();
    const queue = createMemoryQueue({ maxDeliveries: 2 });
    queue.push(follow);
    let tries = 0;
    const errors: string[] = [];
    const worker = createWorker({
      queue,
      ports,
      busyRetryMs: 1,
      handlers: {
        follow: async () => {
          tries++;
          if (tries === 1) throw new TransientError(DeliveryErrorCode.CHAT_BUSY, 'held');
          throw new Error('follow set unreachable');
        },
      },
      onError: (error) => errors.push(error.code),
    });
    try {
      await expect.poll(() => events.events.map((e) => e.event)).toEqual(['failed']);
      // Busy once (not counted), then two counted crashes: dead-lettered, reported as such.
      expect(tries).toBe(3);
      expect(errors).toEqual(['UNEXPECTED', 'UNEXPECTED']);
      expect(queue.dead).toEqual([follow]);
      expect(events.events[0]).toMatchObject({
        command: 'follow',
        command_id: 'f-1',
        chat: '@x',
        mode: null,
        error: { code: DeliveryErrorCode.POISON_COMMAND },
      });
    } finally {
      await worker.stop();
      await queue.close();
    }
  });
});

describe('runCommand: follow and unfollow', () => {
  it('resolves undefined once a handler ran one, and a failed event when none would', async () => {
    const { events, ports } = setup();
    let ran = 0;
    const handled = await runCommand(unfollow, ports, {
      handlers: { unfollow: async () => void ran++ },
    });
    expect(handled).toBeUndefined();
    expect(ran).toBe(1);
    // A handler for the other command does not run this one.
    const refused = await runCommand(follow, ports, {
      handlers: { unfollow: async () => void ran++ },
    });
    expect(refused).toMatchObject({ event: 'failed', error: { code: 'COMMAND_UNSUPPORTED' } });
    expect(ran).toBe(1);
    expect(events.events).toEqual([refused]);
  });

  it('fails a bad follow as a bad fetch is failed, naming the command', async () => {
    const { events, ports } = setup();
    const outcome = await runCommand(
      '{"command":"follow","chat":"../x","command_id":"b-1"}',
      ports,
    );
    expect(outcome).toMatchObject({
      event: 'failed',
      command: 'follow',
      command_id: 'b-1',
      chat: '../x',
      mode: null,
      params: {},
      error: { code: 'INVALID_CHAT', retryable: false },
    });
    expect(events.events).toEqual([outcome]);
  });
});
