import { randomUUID } from 'node:crypto';
import {
  createMemoryProgress,
  createMemorySource,
  createMemoryStore,
  createWorker,
} from '@tgfetch/core';
import {
  createCommandQueue,
  createRedisEventSink,
  openConnection,
  subscribeEvents,
} from '@tgfetch/redis-transport';
import { startRedisServer } from '@tgfetch/test-utils';
import { createNodeRedisClient, Queue, QueueEvents, Worker } from 'bullmq';
import { childMain, runChild } from '../lib/child.mjs';
import { monitorCommands } from '../lib/monitor.mjs';
import { medianOf, percentile } from '../lib/stats.mjs';

/**
 * 4. Queue: latency from the producer's push to the `started` event, and empty commands per
 * second through one worker, for tgfetch's reliable list queue and for BullMQ doing a
 * trivial job on the same redis-server; and what each costs Redis per command (MONITOR).
 * Producer, worker and listener share one process on both sides.
 */

const DAY = 86_400_000;
const CHAT = '@bench_queue';
const WARM_UP = 50;

export const title = 'Queue: RPUSH → started latency, empty commands/s, Redis commands per job';

export function params(smoke) {
  return smoke
    ? { latency: 30, throughput: 100, counted: 20, runs: 1 }
    : { latency: 1000, throughput: 3000, counted: 200, runs: 3 };
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
        `  queue run ${i + 1}/${p.runs}: tgfetch p50 ${ours.p50Ms.toFixed(2)} ms, ${Math.round(ours.perSec)}/s; ` +
          `BullMQ p50 ${bull.p50Ms.toFixed(2)} ms, ${Math.round(bull.perSec)}/s\n`,
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
  const last = runs[runs.length - 1];
  const row = (metric, field, target, met) => ({
    metric,
    ours: pick('ours', field),
    reference: pick('bull', field),
    referenceName: 'BullMQ 6 (node-redis), same server',
    ratio: pick('ours', field) / pick('bull', field),
    target,
    met,
  });
  return {
    params: p,
    runs,
    summary: {
      tgfetch: {
        p50Ms: pick('ours', 'p50Ms'),
        p99Ms: pick('ours', 'p99Ms'),
        perSec: pick('ours', 'perSec'),
      },
      bullmq: {
        p50Ms: pick('bull', 'p50Ms'),
        p99Ms: pick('bull', 'p99Ms'),
        perSec: pick('bull', 'perSec'),
      },
      commandsPerJob: { tgfetch: last.ours.commands, bullmq: last.bull.commands },
    },
    rows: [
      row('push → started, p50 ms', 'p50Ms', '', undefined),
      row('push → started, p99 ms', 'p99Ms', '', undefined),
      row(
        'empty commands/s, one worker',
        'perSec',
        '≥ 1×',
        pick('ours', 'perSec') >= pick('bull', 'perSec'),
      ),
      {
        // Each command a client sends is one round trip or part of one: at most 4 of them
        // bounds the round trips (three events and the ack-and-claim script, for one day).
        metric: 'Redis commands sent per command (+ run inside Lua)',
        ours: `${last.ours.commands.clientPerJob} (+${last.ours.commands.luaPerJob})`,
        reference: `${last.bull.commands.clientPerJob} (+${last.bull.commands.luaPerJob})`,
        referenceName: 'BullMQ 6 (node-redis), same server',
        ratio: last.ours.commands.clientPerJob / last.bull.commands.clientPerJob,
        target: '≤ 4 round trips',
        // The burst's one RPUSH (the producer's) and the worker's one idle pop after it are
        // counted too: 2 per burst, not per command.
        met: last.ours.commands.clientPerJob <= 4 + 2 / p.counted,
      },
    ],
  };
}

function summarize(latencies, count, seconds) {
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    perSec: count / seconds,
  };
}

function perJob(counts, jobs) {
  const top = Object.entries(counts.byCommand)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name}×${Math.round((n / jobs) * 100) / 100}`);
  return {
    clientPerJob: Math.round((counts.client / jobs) * 100) / 100,
    luaPerJob: Math.round((counts.lua / jobs) * 100) / 100,
    breakdown: top.join(' '),
  };
}

/** Resolves once `n` events named `name` have been seen, counted by `count`. */
function waiter() {
  const waits = new Map();
  return {
    wait(key) {
      return new Promise((resolve) => waits.set(key, resolve));
    },
    fire(key, value) {
      const resolve = waits.get(key);
      if (resolve) {
        waits.delete(key);
        resolve(value);
      }
    },
  };
}

/** What both queues report: when a job started and when it ended, by id. */
function tracker() {
  const started = waiter();
  const completed = waiter();
  let completedCount = 0;
  let target = Number.POSITIVE_INFINITY;
  let allDone = () => {};
  return {
    started: (id) => started.fire(id, performance.now()),
    completed: (id) => {
      completed.fire(id);
      if (++completedCount === target) allDone();
    },
    waitStarted: (id) => started.wait(id),
    waitCompleted: (id) => completed.wait(id),
    expect(n) {
      completedCount = 0;
      target = n;
      return new Promise((resolve) => {
        allDone = resolve;
      });
    },
  };
}

/**
 * The same measurement for both queues: push → started latency one job at a time, then
 * bursts for jobs per second and Redis commands per job. Only how a job is pushed differs.
 */
async function measure(p, track, { pushOne, pushMany }) {
  const latencies = [];
  // The first jobs run cold code (JIT, lazy script loading): they are not measured.
  for (let i = -WARM_UP; i < p.latency; i++) {
    const id = `lat-${i}`;
    const seen = track.waitStarted(id);
    const done = track.waitCompleted(id);
    const t0 = performance.now();
    await pushOne(id);
    const at = await seen;
    if (i >= 0) latencies.push(at - t0);
    await done;
  }
  const burst = async (prefix, n) => {
    const finished = track.expect(n);
    const t0 = performance.now();
    await pushMany(Array.from({ length: n }, (_, i) => `${prefix}-${i}`));
    await finished;
    return (performance.now() - t0) / 1000;
  };
  const seconds = await burst('tp', p.throughput);
  const raw = await monitorCommands(p.port, () => burst('count', p.counted));
  return { ...summarize(latencies, p.throughput, seconds), commands: perJob(raw, p.counted), raw };
}

async function tgfetch(p) {
  const url = `redis://127.0.0.1:${p.port}`;
  const name = `bench:${randomUUID().slice(0, 8)}`;
  const channel = `${name}:events`;
  const date = new Date(Date.now() - DAY).toISOString().slice(0, 10);
  const queue = await createCommandQueue({ url, workerId: 'bench-worker', queue: name });
  const events = await createRedisEventSink({ url, channel, stream: `${name}:events:stream` });
  const ports = {
    source: createMemorySource({ [CHAT]: [] }),
    store: createMemoryStore(),
    progress: createMemoryProgress(),
    events,
  };
  const worker = createWorker({ queue, ports });
  const producer = (await openConnection({ url })).client;
  const track = tracker();
  const sub = await subscribeEvents(
    (event) => {
      if (event.event === 'started') track.started(event.command_id);
      if (event.event === 'completed' || event.event === 'failed')
        track.completed(event.command_id);
    },
    { url, channel },
  );
  const command = (id) =>
    JSON.stringify({
      command: 'fetch',
      chat: CHAT,
      mode: 'date',
      date,
      strategy: 'batch',
      command_id: id,
      // Every command walks the (empty) source and writes its day, not a skip.
      options: { force: true },
    });

  const result = await measure(p, track, {
    pushOne: (id) => producer.rPush(name, command(id)),
    pushMany: (ids) => producer.rPush(name, ids.map(command)),
  });

  await worker.stop();
  await queue.close();
  await sub.close();
  await events.close();
  await producer.close();
  return result;
}

async function bullmq(p) {
  const url = `redis://127.0.0.1:${p.port}`;
  const name = `bench-${randomUUID().slice(0, 8)}`;
  const connections = [];
  const connection = async () => {
    const c = await openConnection({ url });
    connections.push(c);
    return createNodeRedisClient(c.client);
  };
  const queue = new Queue(name, { connection: await connection() });
  const events = new QueueEvents(name, { connection: await connection() });
  await events.waitUntilReady();
  const worker = new Worker(name, async () => ({ processed: 0 }), {
    connection: await connection(),
    concurrency: 1,
  });
  await worker.waitUntilReady();
  const track = tracker();
  events.on('active', ({ jobId }) => track.started(jobId));
  events.on('completed', ({ jobId }) => track.completed(jobId));
  const data = (id) => ({ command: 'fetch', chat: CHAT, mode: 'date', command_id: id });

  const result = await measure(p, track, {
    pushOne: (id) => queue.add('fetch', data(id), { jobId: id }),
    pushMany: (ids) =>
      queue.addBulk(ids.map((id) => ({ name: 'fetch', data: data(id), opts: { jobId: id } }))),
  });

  await worker.close();
  await events.close();
  await queue.close();
  for (const c of connections) await c.close().catch(() => {});
  return result;
}

await childMain(import.meta.url, { tgfetch, bullmq });
