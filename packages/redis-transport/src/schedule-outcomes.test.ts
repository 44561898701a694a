import {
  addDays,
  createMemoryEventSink,
  createMemoryProgress,
  createMemorySource,
  createMemoryStore,
  createWorker,
  dateInZone,
} from '@tgfetch/core';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommandQueue } from './list-queue.js';
import { withScheduleOutcomes } from './schedule-outcomes.js';
import { createRedisSchedules } from './schedules.js';
import { hourlyMessages } from './testing/file-effects.js';

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

describe('scheduled commands run by a real worker', () => {
  it('are taken from the queue as sent, and their outcome reaches the schedule', async () => {
    const queueName = `${ctx.prefix}commands`;
    const schedules = createRedisSchedules({
      client: ctx.client,
      prefix: `${ctx.prefix}s:`,
      queue: queueName,
    });
    const added = Date.now();
    await schedules.add({ name: 'daily', chats: ['@known', '@unknown'], every: '1h' });
    const view = await schedules.get('daily');
    const { scheduled } = await schedules.runDue({ now: view?.dueAt ?? added });
    expect(scheduled).toHaveLength(1);

    const yesterday = addDays(dateInZone(view?.nextTick ?? added, 'UTC'), -1);
    const store = createMemoryStore();
    const recorded = createMemoryEventSink();
    const errors: string[] = [];
    const queue = await createCommandQueue({
      url: ctx.url,
      queue: queueName,
      workerId: 'w',
      blockSeconds: 1,
    });
    const worker = createWorker({
      queue,
      ports: {
        source: createMemorySource({ '@known': hourlyMessages('@known', yesterday, 24) }),
        store,
        progress: createMemoryProgress(),
        events: withScheduleOutcomes(recorded, schedules, (e) => errors.push(e.code)),
      },
      runOptions: { workerId: 'w' },
    });
    try {
      await expect
        .poll(async () => (await schedules.get('daily'))?.lastOutcome?.status, { timeout: 10_000 })
        .toBe('failed');
      expect((await schedules.get('daily'))?.lastOutcome?.commands).toEqual([
        { commandId: scheduled[0]?.command_ids[0], status: 'completed' },
        expect.objectContaining({ status: 'failed', code: 'CHAT_NOT_FOUND' }),
      ]);
      expect(store.days().map((d) => [d.chat, d.date, d.messages.length])).toEqual([
        ['@known', yesterday, 24],
      ]);
      expect(recorded.events.map((e) => e.event)).toContain('completed');
      expect(errors).toEqual([]);
    } finally {
      await worker.stop();
      await queue.close();
    }
  });
});
