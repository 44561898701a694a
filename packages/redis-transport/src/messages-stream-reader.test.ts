import type { DayDocument } from '@tgfetch/core';
import { makeMessages } from '@tgfetch/core/testing';
import { eventually } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessagesStream } from './messages-stream.js';
import { encodeMessagesStreamEntry } from './messages-stream-entry.js';
import {
  createMessagesStreamReader,
  type MessageDelivery,
  type MessagesStreamReader,
  type MessagesStreamReaderOptions,
} from './messages-stream-reader.js';

let ctx: RedisTestContext;
const readers: MessagesStreamReader[] = [];
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.close()));
  await ctx.cleanup();
});

const GROUP = 'persisters';
const stream = () => `${ctx.prefix}messages`;

async function open(over: Partial<MessagesStreamReaderOptions> = {}) {
  const dead: Array<{ id: string; reason: string }> = [];
  const reader = await createMessagesStreamReader({
    url: ctx.url,
    stream: stream(),
    group: GROUP,
    consumer: 'c1',
    batchSize: 50,
    blockMs: 100,
    onDeadLetter: (id, reason) => dead.push({ id, reason }),
    ...over,
  });
  readers.push(reader);
  return { reader, dead };
}

async function append(count: number): Promise<DayDocument> {
  const messages = makeMessages({ chat: '@s', start: Date.parse('2025-11-07T00:00:00Z'), count });
  const day = {
    chat: '@s',
    date: '2025-11-07',
    time_zone: 'UTC',
    fetched_at: '2025-11-08T00:00:00.000Z',
    complete: true,
    count,
    messages,
  };
  const writer = await createMessagesStream({ url: ctx.url, stream: stream() });
  await writer.append(day);
  await writer.close();
  return day;
}

/** Batches read until `want` deliveries came (each batch checked against `batchSize`). */
async function take(reader: MessagesStreamReader, want: number): Promise<MessageDelivery[]> {
  const got: MessageDelivery[] = [];
  await eventually(
    async () => {
      const batch = await reader.next(AbortSignal.timeout(1_000));
      got.push(...(batch ?? []));
      return got.length >= want;
    },
    { what: `${want} deliveries` },
  );
  return got;
}

const pending = async () => Number((await ctx.client.xPending(stream(), GROUP)).pending);
const letters = async () => (await ctx.client.xRange(`${stream()}:dead`, '-', '+')) ?? [];

describe('messages stream reader', () => {
  it('hands out every appended message decoded, in batches, and an ack settles it', async () => {
    const day = await append(120);
    const { reader } = await open();
    const batch = await reader.next();
    expect(batch?.length).toBeGreaterThan(0);
    expect(batch?.length).toBeLessThanOrEqual(50);
    const rest = await take(reader, 120 - (batch?.length ?? 0));
    const all = [...(batch ?? []), ...rest];
    expect(all.map((d) => d.message)).toEqual(day.messages);
    expect(all[0]).toMatchObject({ change: 'new', chat: '@s', date: '2025-11-07', attempt: 1 });
    expect(await pending()).toBe(120);
    await Promise.all(all.map((d) => d.ack()));
    expect(await pending()).toBe(0);
    expect(await reader.pending()).toBe(0);
  });

  it('moves entries that do not decode to the dead letters at once, with the reason', async () => {
    await ctx.client.xAdd(stream(), '*', { chat: '@s', message: 'not json' });
    await ctx.client.xAdd(stream(), '*', {
      ...encodeMessagesStreamEntry({
        change: 'new',
        chat: '@s',
        time_zone: 'UTC',
        date: '2025-11-07',
        message: { id: 1, date: '2025-11-07T00:00:00Z', chat: '@s', text: 'x' },
      }),
      change: 'purged',
    });
    await ctx.client.xAdd(stream(), '*', { chat: '@s', message: Buffer.from([0xff, 0xfe]) });
    await append(2);
    const { reader, dead } = await open();
    const good = await take(reader, 2);
    expect(good.map((d) => d.message.id)).toEqual([1, 2]);
    expect(dead.map((d) => d.reason.split(':')[0])).toEqual([
      'INVALID_ENTRY',
      'INVALID_ENTRY',
      'INVALID_ENTRY',
    ]);
    const stored = await letters();
    expect(stored.map((l) => l.message.source_id)).toEqual(dead.map((d) => d.id));
    expect(stored[1]?.message.reason).toContain('unknown kind of change');
    expect(stored[2]?.message.reason).toContain('not UTF-8');
    // Dead letters are settled: only the two good entries are pending.
    expect(await pending()).toBe(2);
  });

  it('moves an entry to the dead letters when told, with the reason given', async () => {
    await append(3);
    const { reader, dead } = await open();
    const [first, ...others] = await take(reader, 3);
    await first?.deadLetter('PG_ERROR: the database refused it');
    await Promise.all(others.map((d) => d.ack()));
    expect(dead).toEqual([{ id: first?.id, reason: 'PG_ERROR: the database refused it' }]);
    expect((await letters())[0]?.message).toMatchObject({
      source_id: first?.id,
      reason: 'PG_ERROR: the database refused it',
      deliveries: '1',
      message: JSON.stringify(first?.message),
    });
    expect(await pending()).toBe(0);
  });

  it('takes over the entries of a consumer that died holding them', async () => {
    await append(20);
    await ctx.client.xGroupCreate(stream(), GROUP, '0', { MKSTREAM: true });
    await ctx.client.xReadGroup(GROUP, 'dead', { key: stream(), id: '>' }, { COUNT: 100 });
    const { reader } = await open({ consumer: 'alive', claimIdleMs: 200 });
    const taken = await take(reader, 20);
    expect(taken.every((d) => d.attempt === 2)).toBe(true);
    await Promise.all(taken.map((d) => d.ack()));
    expect(await pending()).toBe(0);
  });

  it('takes back at once, under the same name, what it held when it stopped', async () => {
    await append(5);
    const first = await open({ claimIdleMs: 600_000 });
    await take(first.reader, 5);
    await first.reader.close();
    const again = await open({ claimIdleMs: 600_000 });
    const taken = await take(again.reader, 5);
    expect(taken.map((d) => d.attempt)).toEqual([2, 2, 2, 2, 2]);
  });

  it('dead-letters an entry handed out more often than allowed', async () => {
    await append(1);
    await ctx.client.xGroupCreate(stream(), GROUP, '0', { MKSTREAM: true });
    const reply = await ctx.client.xReadGroup(GROUP, 'crashing', { key: stream(), id: '>' });
    const id = reply?.[0]?.messages[0]?.id ?? '';
    for (let i = 0; i < 3; i++) await ctx.client.xClaim(stream(), GROUP, 'crashing', 0, [id]);
    await append(1);
    const { reader, dead } = await open({ maxDeliveries: 3, claimIdleMs: 1 });
    await take(reader, 1);
    expect(dead).toEqual([{ id, reason: expect.stringMatching(/^MAX_DELIVERIES: handed out 5/) }]);
    expect((await letters())[0]?.message.deliveries).toBe('5');
  });

  it('keeps the entries in hand from other consumers past claimIdleMs', async () => {
    await append(4);
    const holder = await open({ claimIdleMs: 300, heartbeatMs: 50 });
    const held = await take(holder.reader, 4);
    const since = Date.now();
    const other = await open({ consumer: 'c2', claimIdleMs: 300 });
    // Looks for entries idle past claimIdleMs until well past it: the heartbeat keeps none so.
    await eventually(
      async () => {
        expect(await other.reader.next(AbortSignal.timeout(200))).toBeUndefined();
        return Date.now() - since > 1_200;
      },
      { what: 'three claim windows' },
    );
    await Promise.all(held.map((d) => d.ack()));
  });

  it('fails for good when the stream key holds another type, a mistake no retry fixes', async () => {
    await ctx.client.set(stream(), 'not a stream');
    const { reader } = await open();
    await expect(reader.next()).rejects.toMatchObject({ code: 'REDIS_CONFIG', retryable: false });
  });

  it('stops a blocked read at once when aborted, and closes promptly', async () => {
    const consumer = `${ctx.prefix}blocked`;
    const { reader } = await open({ blockMs: 30_000, consumer });
    const controller = new AbortController();
    const reading = reader.next(controller.signal);
    const clients = () => ctx.client.sendCommand<string>(['CLIENT', 'LIST']);
    await eventually(
      async () =>
        (await clients())
          .split('\n')
          .some(
            (c) => c.includes(`name=tgfetch:${consumer}:messages`) && c.includes('cmd=xreadgroup'),
          ),
      { what: 'the blocking read' },
    );
    const t0 = Date.now();
    controller.abort();
    expect(await reading).toBeUndefined();
    await reader.close();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await reader.next()).toBeUndefined();
  });
});
