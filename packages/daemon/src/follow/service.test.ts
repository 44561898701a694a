import {
  type AppliedMessage,
  createMemoryLock,
  createMemoryProgress,
  createMemoryResumeStore,
  createMemoryStore,
  type TgMessage,
} from '@tgfetch/core';
import { createFollowSet, createRedisLeases } from '@tgfetch/redis-transport';
import { createSimulatedSource } from '@tgfetch/telegram/testing';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFollower } from './follower.js';
import { runFollowService } from './service.js';

let ctx: RedisTestContext;
const stops: Array<() => Promise<void>> = [];
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await ctx.cleanup();
});

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const NOW = Date.parse('2026-12-01T12:00:00Z');
const CHAT = '@demo_chat';

/** One daemon's follow service on its own Redis client, over the shared store. */
async function daemon(
  shared: { store: ReturnType<typeof createMemoryStore>; announced: AppliedMessage[] },
  live: { epochMs: number; untilMs: number },
) {
  const client = ctx.client.duplicate();
  client.on('error', () => {});
  await client.connect();
  const source = createSimulatedSource({
    pacing: false,
    historyDays: 2,
    now: NOW,
    seed: 3,
    live: { eventsPerSecond: 100, dropRatio: 0.1, timeline: { ...live, chats: [CHAT] } },
  });
  const stop = new AbortController();
  const follower = await createFollower(
    {
      source,
      store: shared.store,
      progress: progress,
      lock,
      resume,
      timeZone: 'UTC',
      maxPollIntervalMs: 300,
      announce: async ({ messages }) => {
        shared.announced.push(...messages);
      },
    },
    stop.signal,
  );
  const set = createFollowSet({
    client,
    account: follower.account,
    prefix: `${ctx.prefix}follow:`,
  });
  const states: boolean[] = [];
  const running = runFollowService(
    {
      follower,
      set,
      leases: createRedisLeases({ client, prefix: `${ctx.prefix}lease:` }),
      leaseTtlMs: 600,
      setEveryMs: 200,
      onState: (s) => states.push(s.following),
    },
    stop.signal,
  );
  let dead = false;
  const end = async () => {
    stop.abort();
    if (!dead) await running;
    await follower.close();
    await source.close();
    if (client.isOpen) client.destroy();
  };
  stops.push(end);
  return {
    follower,
    set,
    states,
    source,
    end,
    /** Dies: its Redis link and its Telegram go, nothing is released. */
    die: async () => {
      dead = true;
      client.destroy();
      stop.abort();
      await source.close();
    },
  };
}
const progress = createMemoryProgress();
const lock = createMemoryLock();
const resume = createMemoryResumeStore();

function sameAsTruth(
  store: ReturnType<typeof createMemoryStore>,
  truth: Map<number, TgMessage>,
  posted: number[],
) {
  return async () => {
    const stored = new Map<number, TgMessage>();
    const days = new Set(((await store.locate?.(chatId, posted)) ?? new Map()).values());
    for (const date of days) {
      for (const m of (await store.readDay(chatId, date))?.messages ?? []) stored.set(m.id, m);
    }
    return posted.every((id) => {
      const m = stored.get(id);
      const t = truth.get(id);
      if (!m) return false;
      if (!t) return m.deleted === true;
      return m.deleted !== true && m.text === t.text && m.edit_date === t.edit_date;
    });
  };
}
let chatId = '';

describe('the follow service', () => {
  it('follows the set under one lease; another daemon takes over when the holder dies, missing nothing', async () => {
    const shared = { store: createMemoryStore(), announced: [] as AppliedMessage[] };
    const epochMs = Date.now() + 300;
    const live = { epochMs, untilMs: epochMs + 3_000 };
    const a = await daemon(shared, live);
    chatId = await a.follower.resolve(CHAT, new AbortController().signal);
    expect(chatId).toMatch(/^-100\d+$/);
    await a.set.add(chatId);
    await until(() => a.states.at(-1) === true, 'the first daemon to follow');
    const b = await daemon(shared, live);
    await until(() => shared.announced.length >= 20, 'twenty changes stored');
    // Only one of them follows.
    expect(b.states.includes(true)).toBe(false);
    await a.die();
    await until(() => b.states.at(-1) === true, 'the second daemon to take over', 5_000);
    await until(() => Date.now() > live.untilMs + 200, 'the end of the timeline', 6_000);
    const checker = createSimulatedSource({
      historyDays: 2,
      now: NOW,
      seed: 3,
      live: { eventsPerSecond: 100, timeline: { ...live, chats: [CHAT] } },
    });
    const truth = checker.telegram.live.truth(CHAT);
    const posted = checker.telegram.live.posted(CHAT);
    await checker.close();
    await until(sameAsTruth(shared.store, truth, posted), 'the store to equal the truth');
    expect(shared.announced.every((m) => m.chat === chatId)).toBe(true);
  });
});
