import type { StartedEvent } from '@tgfetch/core';
import { createFsStore, type FsStore } from '@tgfetch/fs-store';
import {
  createRedisEventSink,
  type EventLog,
  openEventLog,
  type RedisEventSink,
} from '@tgfetch/redis-transport';
import { tempDir } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from './index.js';

let ctx: RedisTestContext;
let data: { dir: string; cleanup: () => Promise<void> };
let store: FsStore;
let sink: RedisEventSink;
let log: EventLog;
let running: RunningConsole;

beforeEach(async () => {
  ctx = await redisTestContext();
  data = await tempDir();
  store = createFsStore({ dataDir: data.dir });
  const stream = `${ctx.prefix}events`;
  sink = await createRedisEventSink({ url: ctx.url, stream, channel: `${ctx.prefix}channel` });
  log = await openEventLog({ url: ctx.url, stream });
  running = await startConsole({ store, events: log, port: 0 });
});

afterEach(async () => {
  await running.close();
  await log.close();
  await sink.close();
  await store.close();
  await ctx.cleanup();
  await data.cleanup();
});

const started = (id: string): StartedEvent => ({
  event: 'started',
  command_id: id,
  chat: '@x',
  mode: 'date',
  params: { date: '2025-11-07' },
  dates: ['2025-11-07'],
  processed: 0,
  errors: 0,
  duration_sec: 0,
  status: 'running',
  ts: '2025-11-08T00:00:00.000Z',
  worker_id: 'w',
});

/** Reads server-sent events until `count` `fetch` events came, within a deadline. */
async function readEvents(
  response: Response,
  count: number,
): Promise<Array<{ id: string; data: unknown }>> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const found: Array<{ id: string; data: unknown }> = [];
  let buffer = '';
  const deadline = setTimeout(() => void reader.cancel(), 10_000);
  try {
    while (found.length < count) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended after ${found.length} events`);
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (id && data && /^event: fetch$/m.test(block)) found.push({ id, data: JSON.parse(data) });
        end = buffer.indexOf('\n\n');
      }
    }
    return found;
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => undefined);
  }
}

describe('live events', () => {
  it('resumes after Last-Event-ID, then sends new events, filtered by command', async () => {
    await sink.publish(started('a'));
    const [first] = await log.recent(1);
    await sink.publish(started('b'));
    await sink.publish(started('c'));
    const response = await fetch(new URL('/events/live', running.url), {
      headers: { 'last-event-id': first!.id },
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const reading = readEvents(response, 3);
    await sink.publish(started('d'));
    const events = await reading;
    expect(events.map((e) => (e.data as StartedEvent).command_id)).toEqual(['b', 'c', 'd']);

    const filtered = await fetch(new URL('/events/live?command_id=f', running.url));
    const one = readEvents(filtered, 1);
    // Subscribed once its first bytes arrived: what comes next is new.
    await sink.publish(started('e'));
    await sink.publish(started('f'));
    expect((await one).map((e) => (e.data as StartedEvent).command_id)).toEqual(['f']);
  });
});
