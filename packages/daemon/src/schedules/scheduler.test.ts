import { createVirtualClock, scheduledEvent, TransientError } from '@tgfetch/core';
import type { RunDueResult } from '@tgfetch/redis-transport';
import { describe, expect, it } from 'vitest';
import { runScheduler } from './scheduler.js';

/**
 * The scheduler's loop on a virtual clock: how long it sleeps after each look, what it does
 * with a look that fails, and how soon it ends. The store is a stand-in with the two calls
 * the loop makes (the store itself is tested on a real Redis in redis-transport; the loop
 * with a real daemon in schedule.e2e.test.ts).
 */

const PUBLISH_MS = 777;
const result = (over: Partial<RunDueResult> = {}): RunDueResult => ({
  scheduled: [],
  deferred: [],
  lost: 0,
  errors: [],
  more: false,
  ...over,
});
const tick = scheduledEvent({
  schedule: 'news',
  tick: 0,
  command_ids: ['sched:news:19700101T000000Z:@x'],
  chats: ['@x'],
  missed: 0,
  late_ms: 0,
  pushedAt: 0,
  worker_id: 'w',
});

/** Runs the loop over `looks` (one per runDue call, then it stops) and tells its sleeps. */
async function loop(
  looks: Array<() => RunDueResult>,
  nextDue: (now: number) => number | undefined,
) {
  const clock = createVirtualClock(1_000_000);
  const stop = new AbortController();
  const published: string[] = [];
  const errors: string[] = [];
  let calls = 0;
  await runScheduler(
    {
      schedules: {
        runDue: async () => {
          const look = looks[calls++];
          if (!look) {
            stop.abort();
            return result();
          }
          return look();
        },
        nextDue: async () => nextDue(clock.now()),
      },
      events: { publish: async (event) => void published.push(event.event) },
      publishTimeoutMs: PUBLISH_MS,
      onError: (error, where) => errors.push(`${where}:${error.code}`),
      clock,
    },
    stop.signal,
  );
  return { slept: clock.slept.filter((ms) => ms !== PUBLISH_MS), published, errors, calls };
}

describe('the scheduler loop', () => {
  it('sleeps until the next due time, at most a second, and publishes each pushed tick', async () => {
    const dues = [300, undefined, 5_000];
    let asked = 0;
    const { slept, published } = await loop(
      [() => result({ scheduled: [tick, tick] }), () => result(), () => result()],
      (now) => {
        const inMs = dues[asked++];
        return inMs === undefined ? undefined : now + inMs;
      },
    );
    expect(slept).toEqual([300, 1_000, 1_000]);
    expect(published).toEqual(['scheduled', 'scheduled']);
  });

  it('looks again at once while more are due, and never spins on one it cannot push', async () => {
    const { slept, calls } = await loop(
      [
        () => result({ more: true }),
        () => result(),
        // Due since the look: looked at again now, twice at most, then after a second.
        () => result(),
        () => result(),
        () => result(),
        // Left due by a full queue: a second.
        () => result({ deferred: ['news'] }),
      ],
      (now) => now - 1,
    );
    expect(calls).toBe(7);
    expect(slept).toEqual([1_000, 1_000]);
  });

  it('backs off from a look that failed, and tells it', async () => {
    const { slept, errors } = await loop(
      [
        () => {
          throw new TransientError('REDIS_NO_REPLY', 'silent');
        },
        () => {
          throw new TransientError('REDIS_NO_REPLY', 'silent');
        },
        () => result(),
      ],
      () => undefined,
    );
    expect(errors).toEqual(['look:REDIS_NO_REPLY', 'look:REDIS_NO_REPLY']);
    expect(slept).toHaveLength(3);
    expect(slept[0]).toBeGreaterThanOrEqual(125);
    expect(slept[1]).toBeGreaterThanOrEqual(250);
    expect(slept[2]).toBe(1_000);
  });

  it('ends at once when stopped, whatever call is in flight', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const done = runScheduler(
      {
        schedules: {
          runDue: () => new Promise(() => {}),
          nextDue: async () => undefined,
        },
        events: { publish: async () => {} },
        publishTimeoutMs: PUBLISH_MS,
      },
      stop.signal,
    );
    setTimeout(() => stop.abort(), 20);
    await done;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
