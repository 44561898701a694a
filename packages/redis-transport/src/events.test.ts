import {
  type FetchEvent,
  isFetchEvent,
  type MessageChangeEvent,
  parseWireEvent,
  scheduledEvent,
  type UnknownEvent,
  type WireEvent,
} from '@tgfetch/core';
import { describeEventSink, sampleEvents } from '@tgfetch/core/testing';
import { eventually } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventStreamReader } from './event-reader.js';
import { createRedisEventSink } from './event-sink.js';
import { subscribeEvents } from './subscribe.js';

describeEventSink('redis pubsub', async () => {
  const ctx = await redisTestContext();
  const channel = `${ctx.prefix}events`;
  const received: WireEvent[] = [];
  const subscription = await subscribeEvents((event) => received.push(event), {
    url: ctx.url,
    channel,
  });
  const sink = await createRedisEventSink({ url: ctx.url, channel, stream: `${ctx.prefix}stream` });
  return {
    sink,
    received: async () => received,
    cleanup: async () => {
      await sink.close();
      await subscription.close();
      await ctx.cleanup();
    },
  };
});

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

describe('redis event sink', () => {
  it('appends every event to a stream trimmed near its bound', async () => {
    const stream = `${ctx.prefix}stream`;
    const sink = await createRedisEventSink({
      url: ctx.url,
      channel: `${ctx.prefix}c`,
      stream,
      maxLen: 100,
    });
    try {
      const [started] = sampleEvents();
      for (let i = 0; i < 1_000; i++) await sink.publish({ ...started!, command_id: `c${i}` });
      // A final event resolves once Redis took it, and with it everything written before.
      const completed = sampleEvents().find((e) => e.event === 'completed')!;
      await sink.publish({ ...completed, command_id: 'c999' });
      const length = await ctx.client.xLen(stream);
      // `MAXLEN ~` trims whole macro-nodes (100 entries each by default): near the bound, never far above.
      expect(length).toBeGreaterThanOrEqual(100);
      expect(length).toBeLessThan(300);
      const [last] = (await ctx.client.xRevRange(stream, '+', '-', { COUNT: 1 })) ?? [];
      expect(JSON.parse(String(last!.message.payload)).command_id).toBe('c999');
      expect(String(last!.message.event)).toBe('completed');
    } finally {
      await sink.close();
    }
  });

  it('waits for a command’s final event, and every earlier one, but not for those before', async () => {
    const stream = `${ctx.prefix}stream`;
    const sink = await createRedisEventSink({ url: ctx.url, channel: `${ctx.prefix}c`, stream });
    try {
      const events = sampleEvents('ordered');
      for (const event of events) await sink.publish(event);
      // Resolved with the last: all of them are there, in order.
      const entries = (await ctx.client.xRange(stream, '-', '+')) ?? [];
      expect(entries.map((e) => String(e.message.event))).toEqual(events.map((e) => e.event));
    } finally {
      await sink.close();
    }
  });

  it('fails a command’s next publish when an earlier one of it failed in Redis', async () => {
    const stream = `${ctx.prefix}stream`;
    // XADD to a key of another type fails with WRONGTYPE.
    await ctx.client.set(stream, 'not a stream');
    const sink = await createRedisEventSink({ url: ctx.url, channel: `${ctx.prefix}c`, stream });
    try {
      const [started, progress] = sampleEvents('failing');
      // Written, not waited for: the failure shows at the command's next publish once its
      // reply is back, and at its final one at the latest.
      await sink.publish(started!);
      await sink.publish(progress!).catch(() => {});
      const completed = sampleEvents('failing').find((e) => e.event === 'completed')!;
      await expect(sink.publish(completed)).rejects.toHaveProperty('code');
    } finally {
      await sink.close();
    }
  });

  it('writes nothing to a stream when the stream is switched off', async () => {
    const stream = `${ctx.prefix}stream`;
    const sink = await createRedisEventSink({
      url: ctx.url,
      channel: `${ctx.prefix}c`,
      stream,
      streamEnabled: false,
    });
    await sink.publish(sampleEvents()[0]!);
    await sink.close();
    expect(await ctx.client.exists(stream)).toBe(0);
  });

  it('publishes the older per-day fetch_complete / fetch_failed events in legacy mode', async () => {
    const channel = `${ctx.prefix}c`;
    const raw: Array<Record<string, unknown>> = [];
    const listener = ctx.client.duplicate();
    await listener.connect();
    await listener.subscribe(channel, (message) => raw.push(JSON.parse(message)));
    const sink = await createRedisEventSink({
      url: ctx.url,
      channel,
      streamEnabled: false,
      legacy: true,
    });
    try {
      const [started, progress] = sampleEvents('legacy-1');
      await sink.publish(started!);
      await sink.publish(progress!);
      await sink.publish({
        ...progress!,
        date: '2025-11-04',
        count: 0,
        file_path: '',
        complete: false,
        outcome: 'not_covered',
      } as FetchEvent);
      const failed: FetchEvent = {
        ...progress!,
        event: 'failed',
        status: 'failed',
        dates: undefined,
        error: { code: 'CHAT_NOT_FOUND', message: 'no such chat', retryable: false },
        days: [],
      } as unknown as FetchEvent;
      await sink.publish({
        ...started!,
        command_id: 'legacy-2',
        dates: ['2025-11-05', '2025-11-06'],
      });
      await sink.publish({ ...failed, command_id: 'legacy-2' });
      await eventually(() => raw.length >= 9, { what: 'all messages' });
      const legacy = raw.filter((m) => String(m.event).startsWith('fetch_'));
      expect(legacy).toEqual([
        expect.objectContaining({
          event: 'fetch_complete',
          chat: 'conformance',
          date: '2025-11-07',
          message_count: 3,
          file_path: progress!.event === 'progress' ? progress!.file_path : '',
          duration_seconds: 0.5,
          service: 'telegram-fetcher',
          worker_id: 'w1',
        }),
        expect.objectContaining({
          event: 'fetch_failed',
          date: '2025-11-04',
          error: 'not covered by the source: nothing stored',
        }),
        expect.objectContaining({
          event: 'fetch_failed',
          date: '2025-11-05',
          error: 'no such chat',
        }),
        expect.objectContaining({
          event: 'fetch_failed',
          date: '2025-11-06',
          error: 'no such chat',
        }),
      ]);
    } finally {
      await sink.close();
      await listener.close();
    }
  });

  it("publishes a live change's events and a schedule's ticks on the channel and the stream, with no legacy form", async () => {
    const channel = `${ctx.prefix}c`;
    const stream = `${ctx.prefix}stream`;
    const raw: string[] = [];
    const listener = ctx.client.duplicate();
    await listener.connect();
    await listener.subscribe(channel, (message) => raw.push(message));
    const sink = await createRedisEventSink({ url: ctx.url, channel, stream, legacy: true });
    const change: MessageChangeEvent = {
      event: 'message_deleted',
      chat: '@conformance',
      time_zone: 'UTC',
      date: '2025-11-07',
      id: 3,
      message: {
        id: 3,
        date: '2025-11-07T10:00:00Z',
        chat: '@conformance',
        text: 'gone',
        deleted: true,
        deleted_at: '2025-11-09T00:00:00Z',
      },
      ts: '2025-11-09T00:00:01.000Z',
      worker_id: 'w1',
    };
    const tick = scheduledEvent({
      schedule: 'news',
      tick: Date.parse('2025-11-09T00:00:00Z'),
      command_ids: ['sched:news:20251109T000000Z:@conformance'],
      chats: ['@conformance'],
      missed: 0,
      late_ms: 3,
      pushedAt: Date.parse('2025-11-09T00:00:00.003Z'),
      worker_id: 'w1',
    });
    try {
      await sink.publish(change);
      await sink.publish(tick);
      await sink.publish(sampleEvents('after')[0]!);
      await eventually(() => raw.length >= 3, { what: 'the three events' });
      expect(raw.map((m) => parseWireEvent(m)?.event)).toEqual([
        'message_deleted',
        'scheduled',
        'started',
      ]);
      expect(parseWireEvent(raw[0])).toEqual(change);
      expect(parseWireEvent(raw[1])).toEqual(tick);
      const entries = (await ctx.client.xRange(stream, '-', '+')) ?? [];
      expect(entries.map((e) => String(e.message.event))).toEqual([
        'message_deleted',
        'scheduled',
        'started',
      ]);
      expect(JSON.parse(String(entries[0]!.message.payload))).toEqual(change);
    } finally {
      await sink.close();
      await listener.close();
    }
  });

  it('hands subscribers only the events their filter asks for', async () => {
    const channel = `${ctx.prefix}c`;
    const seen: FetchEvent[] = [];
    const subscription = await subscribeEvents((e) => isFetchEvent(e) && seen.push(e), {
      url: ctx.url,
      channel,
      filter: {
        command_id: 'wanted',
        chat: 'https://t.me/Conformance',
        event: ['progress', 'completed'],
      },
    });
    const sink = await createRedisEventSink({ url: ctx.url, channel, streamEnabled: false });
    try {
      for (const event of sampleEvents('other')) await sink.publish(event);
      await ctx.client.publish(channel, 'not json at all');
      for (const event of sampleEvents('wanted')) await sink.publish(event);
      await eventually(() => seen.length === 2, { what: 'the filtered events' });
      expect(seen.map((e) => [e.command_id, e.event])).toEqual([
        ['wanted', 'progress'],
        ['wanted', 'completed'],
      ]);
    } finally {
      await sink.close();
      await subscription.close();
    }
  });

  it("hands subscribers a followed chat's events, and those of kinds it does not know to onUnknown", async () => {
    const channel = `${ctx.prefix}c`;
    const seen: WireEvent[] = [];
    const unknown: UnknownEvent[] = [];
    const subscription = await subscribeEvents((e) => seen.push(e), {
      url: ctx.url,
      channel,
      onUnknown: (e) => unknown.push(e),
      filter: { chat: 'conformance' },
    });
    const message = { id: 3, date: '2025-11-07T10:00:00Z', chat: '@conformance', text: 'hi' };
    const base = {
      chat: '@conformance',
      time_zone: 'UTC',
      date: '2025-11-07',
      id: 3,
      ts: '2025-11-09T00:00:01.000Z',
      worker_id: 'w1',
    };
    const changes: MessageChangeEvent[] = [
      { event: 'message', ...base, message },
      {
        event: 'message_edited',
        ...base,
        message: { ...message, edit_date: '2025-11-08T00:00:00Z' },
      },
      {
        event: 'message_deleted',
        ...base,
        message: { ...message, deleted: true, deleted_at: '2025-11-09T00:00:00Z' },
      },
    ];
    const newer = { event: 'message_pinned', chat: '@conformance', id: 3, ts: base.ts };
    const sink = await createRedisEventSink({ url: ctx.url, channel, streamEnabled: false });
    try {
      for (const change of changes) await sink.publish(change);
      await ctx.client.publish(channel, JSON.stringify({ ...newer, chat: '@other' }));
      await ctx.client.publish(channel, JSON.stringify(newer));
      await ctx.client.publish(channel, '{"no":"event"}');
      await sink.publish(sampleEvents('after')[0]!);
      await eventually(() => seen.length === 4, { what: 'every event of the chat' });
      expect(seen.slice(0, 3)).toEqual(changes);
      expect(seen[3]?.event).toBe('started');
      expect(unknown).toEqual([{ event: 'message_pinned', fields: newer }]);
    } finally {
      await sink.close();
      await subscription.close();
    }
  });

  it('lets a consumer group read the stream after the fact, each event once per group', async () => {
    const stream = `${ctx.prefix}stream`;
    const sink = await createRedisEventSink({ url: ctx.url, channel: `${ctx.prefix}c`, stream });
    for (const event of sampleEvents('late')) await sink.publish(event);
    await sink.close();
    const open = (consumer: string) =>
      createEventStreamReader({ url: ctx.url, stream, group: 'analyzer', consumer, blockMs: 100 });
    const first = await open('a1');
    const one = await first.next();
    expect(one?.event?.event).toBe('started');
    await one!.ack();
    // a1 takes the second event and dies without acknowledging it.
    const lost = await first.next();
    expect(lost?.event?.event).toBe('progress');
    await first.close();
    const second = await createEventStreamReader({
      url: ctx.url,
      stream,
      group: 'analyzer',
      consumer: 'a2',
      blockMs: 100,
      claimIdleMs: 0,
    });
    try {
      const names: string[] = [];
      for (let i = 0; i < 2; i++) {
        const entry = await second.next();
        names.push(entry!.event!.event);
        await entry!.ack();
      }
      expect(names).toEqual(['progress', 'completed']);
      const controller = new AbortController();
      const none = second.next(controller.signal);
      controller.abort();
      expect(await none).toBeUndefined();
      expect(await ctx.client.xPending(stream, 'analyzer')).toMatchObject({ pending: 0 });
    } finally {
      await second.close();
    }
  });
});
