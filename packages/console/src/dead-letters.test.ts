import { deadLetterEvent, deliveryKey, type StartedEvent } from '@tgfetch/core';
import { createFsStore, type FsStore } from '@tgfetch/fs-store';
import {
  createQueueInspector,
  createRedisEventSink,
  type EventLog,
  openEventLog,
  type QueueInspector,
  type RedisEventSink,
} from '@tgfetch/redis-transport';
import { tempDir } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsoleServer } from './index.js';
import { type InjectSession, injectSession } from './testing/session.js';

/**
 * The dead letters through `inject`, over a real list queue and events stream: what the
 * queue page and a command's page say of them, and the confirmations before a change.
 * (The daemon's browser tests make them for real, with a worker that dies.)
 */

const TOKEN = 'a-console-token-of-the-tests';

let ctx: RedisTestContext;
let data: { dir: string; cleanup: () => Promise<void> };
let store: FsStore;
let queue: QueueInspector;
let events: EventLog;
let sink: RedisEventSink;
let app: FastifyInstance;
let session: InjectSession;
const dead = () => `${ctx.prefix}q:dead`;

const payload = (id: string) =>
  JSON.stringify({ command: 'fetch', chat: '@dead_chat', mode: 'days', days: 1, command_id: id });

/** A command a worker died with: on the dead-letter list, and reported as a worker reports it. */
async function deadLetter(id: string) {
  const bytes = payload(id);
  await ctx.client.rPush(dead(), bytes);
  const delivery = { payload: bytes, id: deliveryKey(bytes), attempt: 2 };
  await sink.publish(
    deadLetterEvent({ ...delivery, ack: async () => {}, release: async () => {} }, 'w1', 1_000),
  );
}

beforeEach(async () => {
  ctx = await redisTestContext();
  data = await tempDir();
  store = createFsStore({ dataDir: data.dir });
  queue = await createQueueInspector({ url: ctx.url, queue: `${ctx.prefix}q` });
  events = await openEventLog({ url: ctx.url, stream: `${ctx.prefix}events` });
  sink = await createRedisEventSink({
    url: ctx.url,
    stream: `${ctx.prefix}events`,
    channel: `${ctx.prefix}events`,
  });
  app = await createConsoleServer({ store, queue, events, token: TOKEN });
  session = injectSession(app);
  await session.signIn(TOKEN);
});

afterEach(async () => {
  await app.close();
  await sink.close();
  await events.close();
  await queue.close();
  await store.close();
  await ctx.cleanup();
  await data.cleanup();
});

const refOf = async (id: string) => {
  const found = (await queue.deadLetters(10)).commands.find((c) => c.commandId === id);
  if (!found) throw new Error(`${id} is no dead letter`);
  return found.ref;
};

describe('dead letters', () => {
  it('are listed with their last error, and counted on the overview', async () => {
    await deadLetter('d1');
    const page = await session.get('/queue');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Dead letters (1)');
    expect(page.body).toContain('POISON_COMMAND');
    expect(page.body).toContain('delivered once without finishing');
    expect(page.body).toContain('href="/commands/d1"');
    expect((await session.get('/')).body).toMatch(/Dead letters<\/th><td class="num"><a[^>]*>1</);
  });

  it('go back to the queue or away only after a confirmation', async () => {
    await deadLetter('d1');
    await deadLetter('d2');
    const csrf = await session.csrf('/queue');
    // Without confirm=yes (a page without script): a question, and nothing moves.
    const asked = await session.post('/queue/dead/retry', { _csrf: csrf, ref: await refOf('d1') });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Put this command back on the queue?');
    expect(asked.body).toContain('name="confirm" value="yes"');
    expect(await ctx.client.lLen(dead())).toBe(2);

    const retried = await session.post('/queue/dead/retry', {
      _csrf: csrf,
      ref: await refOf('d1'),
      confirm: 'yes',
    });
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe('/queue?notice=retried#dead');
    expect(await ctx.client.lRange(`${ctx.prefix}q`, 0, -1)).toEqual([payload('d1')]);

    const ref = await refOf('d2');
    const discarded = await session.post('/queue/dead/discard', {
      _csrf: csrf,
      ref,
      confirm: 'yes',
    });
    expect(discarded.headers.location).toBe('/queue?notice=discarded#dead');
    expect(await ctx.client.lLen(dead())).toBe(0);
    // Someone else moved it first: said so, nothing else happens.
    const again = await session.post('/queue/dead/discard', { _csrf: csrf, ref, confirm: 'yes' });
    expect(again.headers.location).toBe('/queue?notice=gone#dead');
    expect((await session.get('/queue?notice=gone')).body).toContain('no longer there');
  });

  it('have a command page that says so and follows them, until they run again and end', async () => {
    await deadLetter('d1');
    const page = await session.get('/commands/d1');
    expect(page.body).toContain('dead letter: POISON_COMMAND');
    expect(page.body).not.toContain('data-final');
    expect(page.body).toContain('data-live="/events/live?command_id=d1');

    // Retried and taken again: it runs, and no earlier end counts.
    const started: StartedEvent = {
      event: 'started',
      command_id: 'd1',
      chat: '@dead_chat',
      mode: 'days',
      params: { days: 1 },
      dates: ['2025-11-07'],
      processed: 0,
      errors: 0,
      duration_sec: 0,
      status: 'running',
      ts: new Date(2_000).toISOString(),
      worker_id: 'w1',
    };
    await sink.publish(started);
    const running = await session.get('/commands/d1');
    expect(running.body).toContain('<strong id="final">running</strong>');
  });
});
