import { jitterOffset, nextTick, parseScheduleCommandId } from '@tgfetch/core';
import { type RedisServer, startRedisServer } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { createClient, type RedisClientType } from 'redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisSchedules, type RedisSchedules } from './schedules.js';

/**
 * Many schedulers on one store: each tick pushed exactly once, whatever their clocks say,
 * whichever of them runs, and across a crash of the server itself.
 */

let ctx: RedisTestContext;
const clients: RedisClientType[] = [];
let server: RedisServer | undefined;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await server?.close();
  server = undefined;
  await ctx.cleanup();
});

const T0 = Date.parse('2025-11-08T12:00:00Z');

/** A scheduler of its own: its own connection, as another daemon would have. */
async function scheduler(
  url: string,
  name: string,
  more: { jitterMs?: number; replyTimeoutMs?: number } = {},
): Promise<RedisSchedules> {
  const client: RedisClientType = createClient({ url, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => {});
  await client.connect();
  clients.push(client);
  return createRedisSchedules({
    client,
    prefix: `${ctx.prefix}s:`,
    queue: `${ctx.prefix}commands`,
    maxQueueLength: 1_000_000,
    // Long enough for a loaded machine: the deadline itself is the silent-server test's.
    replyTimeoutMs: 10_000,
    workerId: name,
    now: () => T0,
    ...more,
  });
}

/** The tick of every command on the queue, by schedule. */
async function pushedTicks(
  client: RedisClientType,
): Promise<{ ids: string[]; ticks: Map<string, number[]> }> {
  const ids = (await client.lRange(`${ctx.prefix}commands`, 0, -1)).map(
    (p) => JSON.parse(p).command_id as string,
  );
  const ticks = new Map<string, number[]>();
  for (const id of ids) {
    const owner = parseScheduleCommandId(id);
    if (!owner) throw new Error(`not a scheduled command: ${id}`);
    ticks.set(owner.name, [...(ticks.get(owner.name) ?? []), owner.tick]);
  }
  return { ids, ticks };
}

/** A small seeded generator, so that a failing run can be run again. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('redis schedules: exactly once', () => {
  it('schedulers racing with clocks seconds apart push every tick once, in order, none lost', async () => {
    const skews = [0, 1_500, -2_000, 3_700];
    const racers = await Promise.all(skews.map((_, i) => scheduler(ctx.url, `d${i}`)));
    for (let i = 0; i < 30; i++)
      await racers[0]?.add({ name: `s${i}`, chats: ['a', 'b'], every: '10s' });
    const won = new Map<string, number>();
    for (let t = T0; t <= T0 + 120_000; t += 1_000) {
      const results = await Promise.all(
        racers.map((r, i) => r.runDue({ now: t + (skews[i] ?? 0) })),
      );
      for (const [i, result] of results.entries()) {
        won.set(`d${i}`, (won.get(`d${i}`) ?? 0) + result.scheduled.length);
      }
    }
    const { ids, ticks } = await pushedTicks(ctx.client);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ticks.size).toBe(30);
    for (const [name, list] of ticks) {
      // Two commands a tick, one after the other; the ticks 10 s apart with none left out.
      const distinct = [...new Set(list)];
      expect(list.length, name).toBe(distinct.length * 2);
      for (let i = 1; i < distinct.length; i++) {
        expect((distinct[i] ?? 0) - (distinct[i - 1] ?? 0), name).toBe(10_000);
      }
    }
    // The fastest clock wins nearly all; what the others won they did not push twice.
    const stats = racers.map((r) => r.stats());
    expect(stats.reduce((n, s) => n + s.ticks, 0) * 2).toBe(ids.length);
    expect(won.get('d3')).toBeGreaterThan(0);
  });

  it('keeps exactly-once across a crash and restart of an AOF (fsync always) server', async () => {
    server = await startRedisServer({ persistent: true });
    const racers = await Promise.all([scheduler(server.url, 'a'), scheduler(server.url, 'b')]);
    for (let i = 0; i < 20; i++) await racers[0]?.add({ name: `s${i}`, chat: 'x', every: '10s' });
    const confirmed: string[] = [];
    const step = async (t: number) => {
      const results = await Promise.allSettled(
        racers.map((r, i) => r.runDue({ now: t + i * 700 })),
      );
      for (const result of results) {
        if (result.status === 'fulfilled')
          confirmed.push(...result.value.scheduled.flatMap((e) => e.command_ids));
        // A call cut by the crash: its tick is pushed by a later one, or was pushed already.
        else expect(result.reason).toMatchObject({ retryable: true });
      }
    };
    let t = T0;
    for (; t < T0 + 60_000; t += 1_000) await step(t);
    // Killed mid-call: whatever a script did before the kill is in the AOF, whole or not at all.
    const inFlight = step(t);
    await server.restart('SIGKILL');
    await inFlight;
    for (t += 1_000; t < T0 + 150_000; t += 1_000) await step(t);

    const check = createClient({ url: server.url });
    check.on('error', () => {});
    await check.connect();
    clients.push(check as RedisClientType);
    const { ids, ticks } = await pushedTicks(check as RedisClientType);
    expect(new Set(ids).size).toBe(ids.length);
    // Nothing a scheduler was told it pushed is gone.
    expect(ids).toEqual(expect.arrayContaining(confirmed));
    for (const [name, list] of ticks) {
      expect(
        [...list].sort((a, b) => a - b),
        name,
      ).toEqual(list);
    }
    // Each schedule's state went on from its last run, after the restart too.
    for (const [name, list] of ticks) {
      const view = await racers[0]?.get(name);
      expect(view?.lastRun?.tick, name).toBe(list.at(-1));
      expect(view?.nextTick, name).toBe((list.at(-1) ?? 0) + 10_000);
    }
    // It went on after the restart, to the end.
    for (const list of ticks.values()) expect(list.at(-1)).toBeGreaterThanOrEqual(T0 + 140_000);
  });

  it('over ten virtual minutes of 200 schedules every 10 s and schedulers dying at random, pushes what the patterns say', async () => {
    const seed = Number(process.env.SCHEDULE_SEED ?? Date.now() % 1_000_000);
    const random = mulberry32(seed);
    const jitterMs = 3_000;
    const racers = await Promise.all(
      [0, 1, 2].map((i) => scheduler(ctx.url, `d${i}`, { jitterMs })),
    );
    const names = Array.from({ length: 200 }, (_, i) => `p${i}`);
    for (const name of names) await racers[0]?.add({ name, chat: 'x', every: '10s' });

    // Who is alive changes now and then; a dead scheduler makes no call for a while.
    const deadUntil = [0, 0, 0];
    const calls: number[] = [];
    for (let t = T0; t <= T0 + 600_000; t += 200 + Math.floor(random() * 2_800)) {
      for (let i = 0; i < 3; i++) {
        if (random() < 0.05) deadUntil[i] = t + Math.floor(random() * 60_000);
      }
      // And once all of them at once, for longer than several ticks.
      const outage = t >= T0 + 300_000 && t < T0 + 345_000;
      const alive = outage ? [] : racers.filter((_, i) => (deadUntil[i] ?? 0) <= t);
      if (alive.length === 0) continue;
      calls.push(t);
      await Promise.all(alive.map((r) => r.runDue({ now: t, maxPush: 1_000 })));
    }

    // The collapsed-missed-ticks rule alone: at each call, a schedule whose next tick is due
    // runs once and moves to its first tick after the call.
    let expected = 0;
    for (const name of names) {
      const offset = jitterOffset(name, jitterMs);
      const pattern = { every: '10s', tz: 'UTC' };
      let next = nextTick(pattern, T0 - offset) ?? Number.POSITIVE_INFINITY;
      for (const t of calls) {
        if (next + offset <= t) {
          expected++;
          next = nextTick(pattern, t - offset) ?? Number.POSITIVE_INFINITY;
        }
      }
    }
    // Ticks were missed and collapsed (at least during the outage), yet most ran.
    expect(expected, `seed ${seed}`).toBeLessThan(names.length * 60);
    expect(expected, `seed ${seed}`).toBeGreaterThan(names.length * 40);
    const { ids } = await pushedTicks(ctx.client);
    expect(new Set(ids).size, `seed ${seed}`).toBe(ids.length);
    expect(ids.length, `seed ${seed}`).toBe(expected);
    // A tick whose reply came too late is counted an error, not a tick, though pushed.
    const stats = racers.map((r) => r.stats());
    const told = stats.reduce((n, s) => n + s.ticks, 0);
    const failed = stats.reduce((n, s) => n + s.errors, 0);
    expect(told, `seed ${seed}`).toBeLessThanOrEqual(expected);
    expect(told + failed, `seed ${seed}`).toBeGreaterThanOrEqual(expected);
    // Schedulers did race for the same ticks: the losers pushed nothing.
    expect(
      stats.reduce((n, s) => n + s.lost, 0),
      `seed ${seed}`,
    ).toBeGreaterThan(0);
  });

  it('a silent server fails each call at its deadline, retryable', async () => {
    server = await startRedisServer();
    const a = await scheduler(server.url, 'a', { replyTimeoutMs: 500 });
    await a.add({ name: 'n', chat: 'x', every: '10s' });
    server.freeze();
    const started = Date.now();
    await expect(a.runDue({ now: T0 + 10_000 })).rejects.toMatchObject({
      code: 'REDIS_NO_REPLY',
      retryable: true,
    });
    await expect(a.list()).rejects.toMatchObject({ code: 'REDIS_NO_REPLY' });
    expect(Date.now() - started).toBeLessThan(5_000);
    server.thaw();
    expect((await a.runDue({ now: T0 + 10_000 })).scheduled).toHaveLength(1);
  });

  it('a tick script that runs after its caller gave up is no duplicate', async () => {
    // A server of its own: a pause of the shared one would stall every other test.
    server = await startRedisServer();
    const a = await scheduler(server.url, 'a', { replyTimeoutMs: 500 });
    const b = await scheduler(server.url, 'b');
    const check = createClient({ url: server.url }) as RedisClientType;
    check.on('error', () => {});
    await check.connect();
    clients.push(check);
    await a.add({ name: 'n', chat: 'x', every: '10s' });
    // Writes (and so the tick script) wait; reads go on: the script is sent, and answered late.
    await check.sendCommand(['CLIENT', 'PAUSE', '1500', 'WRITE']);
    const waited = await a.runDue({ now: T0 + 10_000 });
    expect(waited.scheduled).toEqual([]);
    expect(waited.errors.map((e) => [e.schedule, e.error.code])).toEqual([['n', 'REDIS_NO_REPLY']]);
    await expect
      .poll(async () => (await pushedTicks(check)).ids, { timeout: 5_000 })
      .toHaveLength(1);
    // Both schedulers, told nothing of that push, ask again: it is not pushed twice.
    const again = await Promise.all([
      a.runDue({ now: T0 + 11_000 }),
      b.runDue({ now: T0 + 12_000 }),
    ]);
    expect(again.flatMap((r) => r.scheduled)).toEqual([]);
    expect((await pushedTicks(check)).ids).toEqual(['sched:n:20251108T120010Z:@x']);
    expect((await a.get('n'))?.nextTick).toBe(T0 + 20_000);
  });
});
