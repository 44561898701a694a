import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCommandClient } from '@tgfetch/redis-transport';
import { simulatedFolder } from '@tgfetch/telegram/testing';
import { eventually } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueNames } from '../testing/cli-process.js';
import { daemonEnv, daemonPool } from '../testing/daemon-process.js';

/** A built `tgfetch daemon` following a simulated chat live, with Redis as other services see it. */

let redis: RedisTestContext;
let names: ReturnType<typeof uniqueNames>;
let dir: string;
const pool = daemonPool();
const folder = simulatedFolder('demo_chat');

beforeAll(async () => {
  redis = await redisTestContext();
  names = uniqueNames(redis.prefix);
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-follow-'));
});

afterAll(async () => {
  await pool.killAll();
  for await (const keys of redis.client.scanIterator({ MATCH: 'tgfetch:*', COUNT: 500 })) {
    if (keys.length > 0) await redis.client.del(keys);
  }
  await redis?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** The events on the events stream, parsed. */
async function streamEvents(): Promise<Array<Record<string, unknown>>> {
  const entries = (await redis.client.xRange(names.stream, '-', '+')) ?? [];
  return entries.map((e) => JSON.parse(String(e.message.payload)) as Record<string, unknown>);
}

describe('the daemon follows chats live', () => {
  it('stores and announces what FOLLOW_CHATS names, and stops on an unfollow command', async () => {
    const dataDir = path.join(dir, 'data');
    await pool.start(
      daemonEnv({
        url: redis.url,
        names,
        dataDir,
        workerId: 'e2e-follow',
        extra: {
          FOLLOW_CHATS: '@demo_chat',
          FOLLOW_POLL_MS: '1000',
          FOLLOW_LEASE_TTL_MS: '2000',
          TGFETCH_SIM: JSON.stringify({ live: { startWhenFollowed: true, eventsPerSecond: 20 } }),
        },
      }),
      dir,
    );
    const events = await eventually(
      async () => {
        const all = await streamEvents();
        const live = all.filter((e) => String(e.event).startsWith('message'));
        return live.length >= 5 ? live : undefined;
      },
      { timeoutMs: 20_000, what: 'five live events' },
    );
    expect(events.every((e) => e.chat === folder)).toBe(true);
    expect(new Set(events.map((e) => e.event))).toContain('message');
    // What was announced is stored in the chat's own folder.
    await eventually(async () => (await readdir(path.join(dataDir, folder))).length > 0, {
      what: 'the day folder',
    });
    const [setKey] = await eventually(async () => {
      const keys: string[] = [];
      for await (const batch of redis.client.scanIterator({
        MATCH: 'tgfetch:follow:*',
        TYPE: 'hash',
      })) {
        keys.push(...batch);
      }
      return keys.length > 0 ? keys : undefined;
    });
    expect(await redis.client.hKeys(setKey!)).toEqual([folder]);

    const client = await createCommandClient({ url: redis.url, queue: names.queue });
    await client.send({ command: 'unfollow', chat: '@demo_chat' });
    await eventually(async () => (await redis.client.hLen(setKey!)) === 0, {
      timeoutMs: 10_000,
      what: 'the chat to leave the follow set',
    });
    await client.close();
  });
});
