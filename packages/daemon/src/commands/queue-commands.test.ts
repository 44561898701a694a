import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  createMemoryProgress,
  createMemoryStore,
  createWorker,
  FatalError,
  type FetchEvent,
} from '@tgfetch/core';
import {
  createCommandClient,
  createCommandQueue,
  createRedisEventSink,
  PAYLOAD_FIELD,
} from '@tgfetch/redis-transport';
import { eventually, freePort } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { captureContext } from '../testing/capture.js';
import { uniqueNames } from '../testing/cli-process.js';

/**
 * `send`, `listen` and `daemon` in-process against the test redis-server (the built CLI
 * is tested as a child process in the e2e files; these cover the branches it does not
 * reach). Shutdown signals are delivered as process events: the real ones are e2e-tested.
 */

let redis: RedisTestContext;
let names: ReturnType<typeof uniqueNames>;
let dir: string;
beforeEach(async () => {
  redis = await redisTestContext();
  names = uniqueNames(redis.prefix);
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-cmd-'));
});
afterEach(async () => {
  await redis.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const context = (extra: Record<string, string> = {}) =>
  captureContext({
    cwd: dir,
    env: {
      REDIS_URL: redis.url,
      QUEUE_NAME: names.queue,
      EVENTS_CHANNEL: names.channel,
      EVENTS_STREAM: names.stream,
      ...extra,
    },
  });

const subscribers = async () =>
  Number((await redis.client.pubSubNumSub(names.channel))[names.channel] ?? 0);

describe('tgfetch send', () => {
  it('pushes the command and prints its id', async () => {
    const ctx = context();
    expect(await main(['send', '--chat', 'x', '--days', '1', '--command-id', 'pushed'], ctx)).toBe(
      0,
    );
    expect(ctx.out()).toBe('pushed\n');
    const [queued] = await redis.client.lRange(names.queue, 0, -1);
    expect(JSON.parse(queued ?? '{}')).toMatchObject({ command_id: 'pushed', chat: '@x', days: 1 });

    const json = context();
    expect(await main(['send', '--chat', 'x', '--days', '1', '--json'], json)).toBe(0);
    expect(JSON.parse(json.out())).toEqual({ command_id: expect.any(String) });
  });

  it('pushes onto the stream when QUEUE_MODE=stream, where the daemon reads', async () => {
    const ctx = context({ QUEUE_MODE: 'stream' });
    expect(await main(['send', '--chat', 'x', '--days', '1', '--command-id', 's1'], ctx)).toBe(0);
    expect(await redis.client.type(names.queue)).toBe('stream');
    const entries = (await redis.client.xRange(names.queue, '-', '+')) ?? [];
    const payload = entries[0]?.message[PAYLOAD_FIELD] ?? '{}';
    expect(JSON.parse(payload)).toMatchObject({ command_id: 's1' });
  });

  it('--wait at --timeout says the command is still queued and exits 4', async () => {
    const ctx = context();
    const args = ['send', '--chat', 'x', '--days', '1', '--command-id', 'slow', '--wait'];
    expect(await main([...args, '--timeout', '0.3'], ctx)).toBe(4);
    expect(ctx.err()).toBe(
      'no result within 0.3s: command slow is still queued and will run; follow it with `tgfetch listen --command-id slow` (do not send it again)\n',
    );
    expect(ctx.err()).not.toContain('failed');
    const queued = await redis.client.lRange(names.queue, 0, -1);
    expect(queued.map((q) => JSON.parse(q).command_id)).toEqual(['slow']);
    const json = context();
    expect(await main([...args, '--timeout', '0.3', '--json'], json)).toBe(4);
    expect(JSON.parse(json.out())).toEqual({ command_id: 'slow', status: 'queued' });
    const bad = context();
    expect(await main(['send', '--chat', 'x', '--days', '1', '--timeout', '-1'], bad)).toBe(2);
  });

  it('--wait interrupted by Ctrl-C says the command is still queued and exits 130', async () => {
    const ctx = context();
    const running = main(
      ['send', '--chat', 'x', '--days', '1', '--command-id', 'cc', '--wait'],
      ctx,
    );
    await eventually(async () => (await redis.client.lLen(names.queue)) === 1);
    process.emit('SIGINT', 'SIGINT');
    expect(await running).toBe(130);
    expect(ctx.err()).toContain('stopped waiting: command cc is still queued');
  });

  it('--wait --json prints the failed event and exits 1', async () => {
    const events = await createRedisEventSink({
      url: redis.url,
      channel: names.channel,
      streamEnabled: false,
    });
    const queue = await createCommandQueue({
      url: redis.url,
      queue: names.queue,
      workerId: 'w',
      blockSeconds: 1,
    });
    const worker = createWorker({
      queue,
      ports: {
        source: {
          // biome-ignore lint/correctness/useYield: a source that fails before any message
          async *messages() {
            throw new FatalError('CHANNEL_PRIVATE', 'the channel is private');
          },
        },
        store: createMemoryStore(),
        progress: createMemoryProgress(),
        events,
      },
    });
    try {
      const ctx = context();
      expect(await main(['send', '--chat', 'x', '--days', '1', '--wait', '--json'], ctx)).toBe(1);
      expect(JSON.parse(ctx.out())).toMatchObject({
        event: 'failed',
        error: { code: 'CHANNEL_PRIVATE', retryable: false },
      });
      const readable = context();
      expect(await main(['send', '--chat', 'x', '--days', '1', '--wait'], readable)).toBe(1);
      expect(readable.err()).toBe('failed: CHANNEL_PRIVATE: the channel is private\n');
    } finally {
      await worker.stop();
      await queue.close();
      await events.close();
    }
  });

  it('exits 3 when Redis cannot be reached', async () => {
    const port = await freePort();
    const ctx = captureContext({
      cwd: dir,
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_MAX_OUTAGE_MS: '1000' },
    });
    expect(await main(['send', '--chat', 'x', '--days', '1'], ctx)).toBe(3);
    // The address and cause are told as soon as the first attempt fails, then the verdict.
    const lines = ctx.err().trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^tgfetch: REDIS_DISCONNECTED: .*127\\.0\\.0\\.1:${port}`));
    expect(lines.at(-1)).toMatch(/^tgfetch: REDIS_UNAVAILABLE: /);
  });
});

describe('tgfetch send bounds and secrets', () => {
  it('refuses a password in --redis-url (ps would show it), pointing at env and files', async () => {
    const ctx = context();
    const url = redis.url.replace('redis://', 'redis://:in-argv-pw@');
    expect(await main(['send', '--chat', 'x', '--days', '1', '--redis-url', url], ctx)).toBe(2);
    expect(ctx.err()).toMatch(/REDIS_PASSWORD_FILE/);
    expect(ctx.err()).not.toContain('in-argv-pw');
    expect(await redis.client.lLen(names.queue)).toBe(0);
  });

  it('refuses a command over MAX_COMMAND_DAYS and a push past MAX_QUEUE_LENGTH', async () => {
    const ctx = context({ MAX_COMMAND_DAYS: '7', MAX_QUEUE_LENGTH: '1' });
    expect(await main(['send', '--chat', 'x', '--days', '8'], ctx)).toBe(1);
    expect(ctx.err()).toMatch(/COMMAND_TOO_LARGE: .*MAX_COMMAND_DAYS/);
    expect(await main(['send', '--chat', 'x', '--days', '7'], ctx)).toBe(0);
    expect(await main(['send', '--chat', 'x', '--days', '1'], ctx)).toBe(1);
    expect(ctx.err()).toMatch(/QUEUE_FULL: .*MAX_QUEUE_LENGTH/);
    expect(await redis.client.lLen(names.queue)).toBe(1);
  });
});

describe('tgfetch listen and daemon, in-process', () => {
  it('listen prints one readable line per event until interrupted', async () => {
    const ctx = context();
    const before = await subscribers();
    const listening = main(['listen', '--chat', 'x'], ctx);
    await eventually(async () => (await subscribers()) > before, { what: 'listen to subscribe' });
    const base = {
      command_id: 'c1',
      chat: '@x',
      mode: 'days' as const,
      params: { days: 1 },
      processed: 0,
      errors: 0,
      duration_sec: 0,
      ts: '2025-11-08T00:00:00.000Z',
      worker_id: 'w',
    };
    const sent: FetchEvent[] = [
      { ...base, event: 'started', status: 'running', dates: ['2025-11-07'] },
      {
        ...base,
        event: 'progress',
        status: 'running',
        processed: 3,
        date: '2025-11-07',
        count: 3,
        file_path: 'f.json',
        skipped: false,
        complete: true,
      },
      {
        ...base,
        chat: '@other',
        event: 'failed',
        status: 'failed',
        error: { code: 'X', message: 'not ours', retryable: false },
      },
      {
        ...base,
        event: 'failed',
        status: 'failed',
        error: { code: 'CHANNEL_PRIVATE', message: 'private', retryable: false },
      },
      {
        ...base,
        event: 'completed',
        status: 'completed',
        processed: 3,
        duration_sec: 1.5,
        days: [],
      },
    ];
    for (const event of sent) await redis.client.publish(names.channel, JSON.stringify(event));
    await redis.client.publish(names.channel, 'noise');
    await eventually(() => ctx.out().split('\n').length > 4, { what: 'four lines' });
    process.emit('SIGINT', 'SIGINT');
    expect(await listening).toBe(0);
    expect(ctx.err()).toBe(`listening on ${names.channel} (Ctrl-C to stop)\n`);
    expect(ctx.out().trim().split('\n')).toEqual([
      '2025-11-08T00:00:00.000Z started   @x c1 1 day(s)',
      '2025-11-08T00:00:00.000Z progress  @x c1 2025-11-07 3 messages -> f.json',
      '2025-11-08T00:00:00.000Z failed    @x c1 CHANNEL_PRIVATE: private',
      '2025-11-08T00:00:00.000Z completed @x c1 3 messages in 0 day(s), 1.5s',
    ]);
  });

  it('daemon runs commands and stops with exit 0 on SIGTERM', async () => {
    const ctx = context({
      TGFETCH_SOURCE: 'simulated',
      DATA_DIR: 'data',
      WORKER_ID: 'inproc',
      LOG_LEVEL: 'debug',
      METRICS_PORT: String(await freePort()),
      METRICS_HOST: '127.0.0.1',
      REDIS_MAX_OUTAGE_MS: '5000',
    });
    const running = main(['daemon'], ctx);
    await eventually(() => ctx.out().includes('"msg":"ready"'), { what: 'ready' });
    const client = await createCommandClient({
      url: redis.url,
      queue: names.queue,
      channel: names.channel,
    });
    try {
      const done = await client.run({
        command: 'fetch',
        chat: `@${names.chat}`,
        mode: 'days',
        days: 1,
      });
      expect(done).toMatchObject({ event: 'completed', worker_id: 'inproc' });
      await expect(
        client.run({ command: 'fetch', chat: '..', mode: 'days', days: 1 }),
      ).rejects.toThrow();
    } finally {
      await client.close();
    }
    process.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
    const lines = ctx
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'ready',
        'command completed',
        'stopping: no new commands, finishing the ones in hand',
        'stopped',
      ]),
    );
  });
});
