import type { MessageChangeEvent } from '@tgfetch/core';
import { eventually } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { captureContext } from '../testing/capture.js';
import { uniqueNames } from '../testing/cli-process.js';

/**
 * `tgfetch listen` in-process against the test redis-server: every kind of event a daemon
 * publishes, as lines and as JSON, and what a newer daemon might publish.
 */

let redis: RedisTestContext;
let names: ReturnType<typeof uniqueNames>;
beforeEach(async () => {
  redis = await redisTestContext();
  names = uniqueNames(redis.prefix);
});
afterEach(async () => {
  await redis.cleanup();
});

const context = () =>
  captureContext({
    cwd: process.cwd(),
    env: { REDIS_URL: redis.url, EVENTS_CHANNEL: names.channel },
  });

const subscribers = async () =>
  Number((await redis.client.pubSubNumSub(names.channel))[names.channel] ?? 0);

const ts = '2026-12-07T11:11:02.000Z';
const base = { chat: '-1001295627121', time_zone: 'UTC', date: '2026-12-07', ts, worker_id: 'w' };
const message = { id: 97101, date: '2026-12-07T11:11:01Z', chat: '-1001295627121' };
const changes: MessageChangeEvent[] = [
  { ...base, event: 'message', id: 97101, message: { ...message, text: 'hello\nworld' } },
  {
    ...base,
    event: 'message_edited',
    id: 97101,
    message: { ...message, text: 'hello again', edit_date: '2026-12-07T11:11:02Z' },
  },
  {
    ...base,
    event: 'message_deleted',
    id: 97101,
    message: { ...message, text: 'hello again', deleted: true, deleted_at: '2026-12-07T11:11:02Z' },
  },
  // Too large to carry, and a message of the group this chat was before it became a supergroup.
  { ...base, event: 'message', id: 5, peer: { kind: 'chat', id: '123' } },
];
const fetchEvent = {
  command_id: 'c1',
  chat: '-1001295627121',
  mode: 'days',
  params: { days: 1 },
  processed: 0,
  errors: 0,
  duration_sec: 0,
  ts,
  worker_id: 'w',
  event: 'started',
  status: 'running',
  dates: ['2026-12-07'],
};
/** What a later version might publish. */
const newer = { event: 'message_pinned', chat: '-1001295627121', id: 97101, ts };
const legacy = {
  event: 'fetch_complete',
  chat: 'demo_chat',
  timestamp: ts,
  service: 'telegram-fetcher',
  worker_id: 'w',
  command_id: 'c1',
  date: '2026-12-07',
  message_count: 3,
  file_path: 'f.json',
  duration_seconds: 0.5,
};

/** Runs `listen` with `args`, publishes every kind of message, returns what it printed. */
async function listen(args: string[]): Promise<string[]> {
  const ctx = context();
  const before = await subscribers();
  const listening = main(['listen', ...args], ctx);
  await eventually(async () => (await subscribers()) > before, { what: 'listen to subscribe' });
  for (const event of [fetchEvent, ...changes, newer, legacy]) {
    await redis.client.publish(names.channel, JSON.stringify(event));
  }
  await redis.client.publish(names.channel, 'noise');
  await redis.client.publish(names.channel, JSON.stringify({ ...fetchEvent, command_id: 'last' }));
  await eventually(() => ctx.out().includes('last'), { what: 'the last event' });
  process.emit('SIGINT', 'SIGINT');
  expect(await listening).toBe(0);
  return ctx.out().trim().split('\n');
}

describe('tgfetch listen', () => {
  it("prints a followed chat's events and, by its common fields, one it does not know", async () => {
    expect(await listen([])).toEqual([
      `${ts} started   -1001295627121 c1 1 day(s)`,
      `${ts} message   -1001295627121 #97101 2026-12-07 hello world`,
      `${ts} message_edited -1001295627121 #97101 2026-12-07 hello again`,
      `${ts} message_deleted -1001295627121 #97101 2026-12-07 hello again`,
      `${ts} message   -1001295627121 #5 (of chat 123) 2026-12-07 (over 64 KB: read it from the stored day)`,
      `${ts} message_pinned -1001295627121 (an event this tgfetch does not know: --json prints it whole)`,
      `${ts} started   -1001295627121 last 1 day(s)`,
    ]);
  });

  it('prints every event as JSON with --json, an unknown one as it was sent', async () => {
    const lines = (await listen(['--json'])).map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([fetchEvent, ...changes, newer, { ...fetchEvent, command_id: 'last' }]);
  });

  it('filters a chat and a command: an event with no command matches no command filter', async () => {
    const lines = await listen(['--chat', '-1001295627121', '--command-id', 'last']);
    expect(lines).toEqual([`${ts} started   -1001295627121 last 1 day(s)`]);
  });
});
