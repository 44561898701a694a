import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedisSchedules, openConnection } from '@tgfetch/redis-transport';
import { startRedisServer } from '@tgfetch/test-utils';
import { createNodeRedisClient, Queue, Worker } from 'bullmq';
import { childMain, runChild } from '../lib/child.mjs';
import { monitorCommands } from '../lib/monitor.mjs';
import { medianOf, percentile } from '../lib/stats.mjs';

/**
 * 7. Schedules: many schedules on one period, run by two schedulers (two daemons) on the
 * real clock. How late each tick is pushed after its due time, and what one tick costs
 * Redis (MONITOR), for tgfetch's schedule store (each scheduler sleeping until the next due
 * time, then `runDue`) and for BullMQ's job schedulers (`upsertJobScheduler` with `every`,
 * two workers) on the same redis-server. BullMQ's worker both takes each job and schedules
 * its next one, so its count holds taking the job off its queue; tgfetch's holds only the
 * push (taking a command off the list is the queue scenario's).
 */

export const title = 'Schedules: tick accuracy and Redis commands per tick, two schedulers';

export function params(smoke) {
  return smoke
    ? { schedules: 20, everyMs: 2_000, seconds: 5, runs: 1 }
    : { schedules: 500, everyMs: 5_000, seconds: 30, runs: 3 };
}

export async function run(smoke) {
  const p = params(smoke);
  const server = await startRedisServer();
  const runs = [];
  try {
    for (let i = 0; i < p.runs; i++) {
      const ours = await runChild(import.meta.url, 'tgfetch', { ...p, port: server.port });
      const bull = await runChild(import.meta.url, 'bullmq', { ...p, port: server.port });
      runs.push({ ours, bull });
      process.stderr.write(
        `  schedules run ${i + 1}/${p.runs}: tgfetch ${ours.ticks} ticks, p99 ${ours.p99Ms.toFixed(1)} ms late, ${ours.perTick} cmds/tick; ` +
          `BullMQ ${bull.ticks} ticks, p99 ${bull.p99Ms.toFixed(1)} ms late, ${bull.perTick} cmds/tick\n`,
      );
    }
  } finally {
    await server.close();
  }
  const pick = (side, field) =>
    medianOf(
      runs.map((r) => r[side]),
      field,
    );
  const referenceName = 'BullMQ 6 upsertJobScheduler (every), two workers, same server';
  const row = (metric, field) => ({
    metric,
    ours: pick('ours', field),
    reference: pick('bull', field),
    referenceName,
    ratio: pick('ours', field) / pick('bull', field),
    target: '',
    met: undefined,
  });
  const last = runs[runs.length - 1];
  return {
    params: p,
    runs,
    rows: [
      row(
        `tick pushed after its due time, p50 ms (${p.schedules} schedules every ${p.everyMs / 1000} s)`,
        'p50Ms',
      ),
      row('tick pushed after its due time, p99 ms', 'p99Ms'),
      {
        metric: 'Redis commands per tick (+ run inside Lua)',
        ours: `${last.ours.perTick} (+${last.ours.luaPerTick})`,
        reference: `${last.bull.perTick} (+${last.bull.luaPerTick})`,
        referenceName,
        ratio: last.ours.perTick / last.bull.perTick,
        target: '',
        met: undefined,
      },
      {
        metric: 'ticks pushed twice',
        ours: pick('ours', 'duplicates'),
        reference: pick('bull', 'duplicates'),
        referenceName,
        ratio: undefined,
        target: '0',
        met: pick('ours', 'duplicates') === 0,
      },
    ],
  };
}

function summary(lateMs, counts, ticks, duplicates) {
  return {
    ticks,
    duplicates,
    p50Ms: percentile(lateMs, 50),
    p99Ms: percentile(lateMs, 99),
    perTick: Math.round((counts.client / ticks) * 100) / 100,
    luaPerTick: Math.round((counts.lua / ticks) * 100) / 100,
  };
}

async function tgfetch(p) {
  const url = `redis://127.0.0.1:${p.port}`;
  const prefix = `bench-sched-${randomUUID().slice(0, 8)}:`;
  const connections = await Promise.all([openConnection({ url }), openConnection({ url })]);
  const stores = connections.map((c, i) =>
    createRedisSchedules({
      client: c.client,
      prefix,
      queue: `${prefix}commands`,
      maxQueueLength: 10_000_000,
      workerId: `d${i}`,
    }),
  );
  const every = `${p.everyMs / 1000}s`;
  for (let i = 0; i < p.schedules; i++) {
    await stores[0].add({ name: `s${i}`, chat: `@chat_${i}`, every });
  }
  const lateMs = [];
  const ids = new Set();
  let duplicates = 0;
  const end = Date.now() + p.seconds * 1000;
  // As the daemon would: run what is due, then sleep until the next due time (at most 1 s).
  const loop = async (store) => {
    while (Date.now() < end) {
      const result = await store.runDue({ now: Date.now(), maxPush: 1_000 });
      for (const event of result.scheduled) {
        lateMs.push(event.late_ms);
        for (const id of event.command_ids) {
          if (ids.has(id)) duplicates++;
          ids.add(id);
        }
      }
      if (result.more) continue;
      const due = (await store.nextDue()) ?? Date.now() + 1_000;
      await sleep(Math.max(1, Math.min(1_000, due - Date.now(), end - Date.now())));
    }
  };
  const counts = await monitorCommands(p.port, () => Promise.all(stores.map(loop)));
  const ticks = stores.reduce((n, s) => n + s.stats().ticks, 0);
  for (const c of connections) await c.close();
  return summary(lateMs, counts, ticks, duplicates);
}

async function bullmq(p) {
  const url = `redis://127.0.0.1:${p.port}`;
  const name = `bench-sched-${randomUUID().slice(0, 8)}`;
  const connections = [];
  const connection = async () => {
    const c = await openConnection({ url });
    connections.push(c);
    return createNodeRedisClient(c.client);
  };
  const queue = new Queue(name, { connection: await connection() });
  const lateMs = [];
  const seen = new Set();
  let duplicates = 0;
  let ticks = 0;
  let measuring = false;
  const processor = async (job) => {
    // A scheduler's job id is `repeat:<scheduler id>:<the millis it is due at>`.
    const due = Number(String(job.id).split(':').at(-1));
    const key = `${job.repeatJobKey}:${due}`;
    if (seen.has(key)) duplicates++;
    seen.add(key);
    if (!measuring || !Number.isFinite(due)) return;
    ticks++;
    lateMs.push((job.processedOn ?? Date.now()) - due);
  };
  const workers = [];
  for (let i = 0; i < 2; i++) {
    const worker = new Worker(name, processor, { connection: await connection(), concurrency: 50 });
    await worker.waitUntilReady();
    workers.push(worker);
  }
  for (let i = 0; i < p.schedules; i++) {
    await queue.upsertJobScheduler(
      `s${i}`,
      { every: p.everyMs },
      { name: 'fetch', data: { chat: `@chat_${i}` } },
    );
  }
  // The first job of each scheduler runs at once, not on a tick: let them pass.
  await sleep(Math.min(2_000, p.everyMs / 2));
  measuring = true;
  const counts = await monitorCommands(p.port, () => sleep(p.seconds * 1000));
  measuring = false;
  for (const worker of workers) await worker.close();
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  for (const c of connections) await c.close().catch(() => {});
  return summary(lateMs, counts, ticks, duplicates);
}

await childMain(import.meta.url, { tgfetch, bullmq });
