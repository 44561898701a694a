import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  createMemoryEventSink,
  createMemoryProgress,
  createMemoryStore,
  createWorker,
  type FetchEvent,
  isFetchEvent,
} from '@tgfetch/core';
import { eventually, type RedisServer, startRedisServer } from '@tgfetch/test-utils';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommandClient } from './command-client.js';
import { openConnection } from './connection.js';
import { createRedisEventSink } from './event-sink.js';
import { createCommandQueue } from './list-queue.js';
import { subscribeEvents } from './subscribe.js';
import { hangingSource, hourlyMessages } from './testing/file-effects.js';

let server: RedisServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { reconnect: { baseMs: 20, maxMs: 200 } };

describe('a private redis-server that goes away', () => {
  it('survives a server restart in the middle of a run', async () => {
    server = await startRedisServer();
    const seen: FetchEvent[] = [];
    const subscription = await subscribeEvents(
      (e) => {
        if (isFetchEvent(e)) seen.push(e);
      },
      { url: server.url, ...fast },
    );
    const events = await createRedisEventSink({ url: server.url, ...fast });
    const queue = await createCommandQueue({
      url: server.url,
      workerId: 'w',
      blockSeconds: 1,
      ...fast,
    });
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // The older day waits for the gate: the run is in its middle while the server restarts.
    const source = hangingSource(
      hourlyMessages('@restart', '2025-11-06', 48),
      Date.parse('2025-11-07T00:00:00Z'),
      gate,
    );
    const store = createMemoryStore();
    const worker = createWorker({
      queue,
      ports: { source, store, progress: createMemoryProgress(), events },
      runOptions: { workerId: 'w' },
    });
    const producer = await createCommandClient({ url: server.url, ...fast });
    try {
      await producer.send({
        command: 'fetch',
        chat: '@restart',
        mode: 'range',
        from: '2025-11-06',
        to: '2025-11-07',
        strategy: 'per_day',
        command_id: 'mid',
      });
      await eventually(() => seen.some((e) => e.command_id === 'mid' && e.event === 'progress'), {
        what: 'the first day',
      });
      await server.restart();
      // Everyone reconnects (the subscriber resubscribes); the run goes on and its end is heard.
      await eventually(
        () =>
          queue.state() === 'ready' &&
          subscription.state() === 'ready' &&
          events.state() === 'ready',
        { what: 'reconnection' },
      );
      open();
      const done = await eventually(
        () => seen.find((e) => e.command_id === 'mid' && e.event === 'completed'),
        { what: 'the run to complete' },
      );
      expect(done).toMatchObject({
        days: [
          { date: '2025-11-07', count: 24 },
          { date: '2025-11-06', count: 24 },
        ],
      });
      // And the queue takes the next command from the fresh server.
      await producer.send({
        command: 'fetch',
        chat: '@restart',
        mode: 'date',
        date: '2025-11-07',
        command_id: 'after',
        options: { force: true },
      });
      await eventually(
        () => seen.some((e) => e.command_id === 'after' && e.event === 'completed'),
        { what: 'the command after the restart' },
      );
      expect(await store.readDay('@restart', '2025-11-07')).toMatchObject({ count: 24 });
    } finally {
      open();
      await worker.stop();
      await producer.close();
      await queue.close();
      await events.close();
      await subscription.close();
    }
  });

  it('reports one REDIS_UNAVAILABLE when the outage outlasts maxOutageMs', async () => {
    server = await startRedisServer();
    const errors: string[] = [];
    const queue = await createCommandQueue({
      url: server.url,
      workerId: 'w',
      maxOutageMs: 300,
      onError: (e) => errors.push(e.code),
      ...fast,
    });
    const waiting = queue.next();
    await server.stop();
    await expect(waiting).rejects.toMatchObject({
      name: 'FatalError',
      code: 'REDIS_UNAVAILABLE',
      retryable: false,
    });
    expect(queue.state()).toBe('failed');
    expect(errors.filter((c) => c === 'REDIS_UNAVAILABLE')).toHaveLength(1);
    expect(errors).toContain('REDIS_DISCONNECTED');
    await queue.close();
  });

  it('fails to open with REDIS_UNAVAILABLE when no server answers', async () => {
    server = await startRedisServer();
    const { url } = server;
    await server.stop();
    await expect(
      createCommandQueue({ url, workerId: 'w', maxOutageMs: 200, ...fast }),
    ).rejects.toMatchObject({ code: 'REDIS_UNAVAILABLE' });
  });

  it('authenticates with a password in the URL, and never puts it in an error', async () => {
    server = await startRedisServer({ password: 's3cret-pw' });
    const sink = await createRedisEventSink({ url: server.url });
    await sink.publish((await import('@tgfetch/core/testing')).sampleEvents()[0]!);
    await sink.close();
    const wrong = server.url.replace('s3cret-pw', 'wrong-pw');
    // At once, not after the outage limit: a retry cannot fix a wrong password.
    const error = await openConnection({ url: wrong, maxOutageMs: 60_000, ...fast }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'REDIS_AUTH', retryable: false });
    expect(String((error as Error).message)).toMatch(/WRONGPASS/);
    expect(String((error as Error).message)).not.toContain('wrong-pw');
    const none = server.url.replace(':s3cret-pw@', '');
    await expect(openConnection({ url: none, maxOutageMs: 60_000, ...fast })).rejects.toMatchObject(
      { code: 'REDIS_AUTH', message: expect.stringMatching(/NOAUTH/) },
    );
  });

  it('refuses a database number the server does not have, at once', async () => {
    server = await startRedisServer();
    await expect(
      openConnection({ url: `${server.url}/999`, maxOutageMs: 60_000, ...fast }),
    ).rejects.toMatchObject({ code: 'REDIS_CONFIG', message: expect.stringMatching(/DB index/) });
  });

  it('refuses a queue key of another type, naming it', async () => {
    server = await startRedisServer();
    const client = createClient({ url: server.url });
    await client.connect();
    await client.set('taken', 'x');
    await client.close();
    await expect(
      createCommandQueue({ url: server.url, queue: 'taken', workerId: 'w', ...fast }),
    ).rejects.toMatchObject({ code: 'REDIS_CONFIG', message: expect.stringMatching(/"taken"/) });
    await expect(
      createCommandClient({ url: server.url, queue: 'taken', ...fast }),
    ).rejects.toMatchObject({ code: 'REDIS_CONFIG' });
  });

  it('reports an unreachable host with its address and cause at once, then keeps trying', async () => {
    server = await startRedisServer();
    const { url } = server;
    await server.stop();
    const errors: Array<{ code: string; message: string }> = [];
    const opening = openConnection({
      url,
      maxOutageMs: 60_000,
      ...fast,
      onError: (e) => errors.push(e),
    });
    opening.catch(() => {});
    const port = new URL(url).port;
    await expect.poll(() => errors.length, { timeout: 2_000 }).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ code: 'REDIS_DISCONNECTED' });
    expect(errors[0]?.message).toContain(`:${port}`);
    expect(errors[0]?.message).toMatch(/ECONNREFUSED/);
    await server.start();
    const connection = await opening;
    expect(connection.state()).toBe('ready');
    await connection.close();
  });

  it('processes a command pushed by redis-cli, its events seen by redis-cli SUBSCRIBE', async () => {
    server = await startRedisServer();
    const port = String(server.port);
    const cli = spawn('redis-cli', ['-p', port, 'SUBSCRIBE', 'tg_events'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    cli.stdout.on('data', (chunk) => {
      output += chunk;
    });
    const events = await createRedisEventSink({ url: server.url });
    const queue = await createCommandQueue({ url: server.url, workerId: 'w' });
    const memory = createMemoryEventSink();
    const worker = createWorker({
      queue,
      ports: {
        source: hangingSource(hourlyMessages('@pythonstepikchat', '2025-11-07', 24)),
        store: createMemoryStore(),
        progress: createMemoryProgress(),
        events: {
          publish: async (e) => {
            await memory.publish(e);
            await events.publish(e);
          },
        },
      },
      runOptions: { workerId: 'w' },
    });
    try {
      await eventually(() => output.includes('subscribe'), { what: 'redis-cli to subscribe' });
      const push = spawn('redis-cli', [
        '-p',
        port,
        'RPUSH',
        'tg_commands',
        '{"command":"fetch","chat":"pythonstepikchat","mode":"date","date":"2025-11-07","command_id":"from-cli"}',
      ]);
      expect((await once(push, 'exit'))[0]).toBe(0);
      await eventually(() => output.includes('"event":"completed"'), {
        what: 'redis-cli to see the completed event',
      });
      const lines = output.split('\n').filter((l) => l.startsWith('{'));
      const names = lines
        .map((l) => JSON.parse(l))
        .filter((e) => e.command_id === 'from-cli')
        .map((e) => e.event);
      expect(names).toEqual(['started', 'progress', 'completed']);
      expect(memory.events.at(-1)).toMatchObject({
        chat: '@pythonstepikchat',
        days: [{ count: 24 }],
      });
    } finally {
      cli.kill();
      await worker.stop();
      await queue.close();
      await events.close();
    }
  });
});
