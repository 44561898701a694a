import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorker, type FetchEvent, isFetchEvent } from '@tgfetch/core';
import { eventually } from '@tgfetch/test-utils';
import {
  type RedisTestContext,
  redisTestContext,
  useBundledScript,
} from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisEventSink } from './event-sink.js';
import { createCommandQueue } from './list-queue.js';
import { subscribeEvents } from './subscribe.js';
import { fileEffects, hangingSource, hourlyMessages } from './testing/file-effects.js';

const doomed = useBundledScript(fileURLToPath(new URL('testing/child-worker.ts', import.meta.url)));
let ctx: RedisTestContext;

beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

describe('a worker killed with SIGKILL mid-command', () => {
  it('has its command recovered by another worker, each day stored once', async () => {
    const queue = `${ctx.prefix}commands`;
    const channel = `${ctx.prefix}events`;
    const effects = path.join(doomed.dir, 'effects.log');
    const progressFile = path.join(doomed.dir, 'progress.json');
    const seen: FetchEvent[] = [];
    const subscription = await subscribeEvents(
      (e) => {
        if (isFetchEvent(e)) seen.push(e);
      },
      { url: ctx.url, channel },
    );
    let child: ChildProcess | undefined;
    const env = {
      ...process.env,
      REDIS_URL: ctx.url,
      QUEUE: queue,
      CHANNEL: channel,
      EFFECTS: effects,
      PROGRESS: progressFile,
    };
    child = spawn(process.execPath, [doomed.script], {
      env: { ...env, WORKER_ID: 'doomed' },
      stdio: 'inherit',
    });
    const events = await createRedisEventSink({ url: ctx.url, channel, streamEnabled: false });
    let rescuer: Awaited<ReturnType<typeof createCommandQueue>> | undefined;
    try {
      const command = {
        command: 'fetch',
        chat: '@kill',
        mode: 'range',
        from: '2025-11-06',
        to: '2025-11-07',
        strategy: 'per_day',
        command_id: 'kill-1',
      };
      await ctx.client.rPush(queue, JSON.stringify(command));
      // The newer day is stored, then the child is stuck on the older one: kill it there.
      await eventually(() => seen.some((e) => e.event === 'progress' && e.worker_id === 'doomed'), {
        what: 'the child to store a day',
      });
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      child = undefined;

      rescuer = await createCommandQueue({
        url: ctx.url,
        queue,
        workerId: 'rescuer',
        visibilityMs: 1_000,
        reapIntervalMs: 100,
      });
      const { store, progress } = fileEffects(effects, progressFile, 'rescuer');
      const worker = createWorker({
        queue: rescuer,
        ports: {
          source: hangingSource(hourlyMessages('@kill', '2025-11-06', 48)),
          store,
          progress,
          events,
        },
        runOptions: { workerId: 'rescuer' },
      });
      const completed = await eventually(() => seen.find((e) => e.event === 'completed'), {
        what: 'the rerun to complete',
      });
      await worker.stop();
      expect(completed).toMatchObject({ command_id: 'kill-1', worker_id: 'rescuer' });
      const lines = (await readFile(effects, 'utf8')).trim().split('\n').sort();
      expect(lines).toEqual(['doomed 2025-11-07', 'rescuer 2025-11-06']);
      expect(seen.filter((e) => e.event === 'completed' || e.event === 'failed')).toHaveLength(1);
      expect(await ctx.client.lLen(queue)).toBe(0);
    } finally {
      child?.kill('SIGKILL');
      await rescuer?.close();
      await events.close();
      await subscription.close();
    }
  });
});
