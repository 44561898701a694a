/**
 * A worker process for the kill test, bundled to plain JS by the test: it takes commands
 * from the list queue and gets stuck on the older day, where the test kills it.
 */
import { createWorker } from '@tgfetch/core';
import { createRedisEventSink } from '../event-sink.js';
import { createCommandQueue } from '../list-queue.js';
import { fileEffects, hangingSource, hourlyMessages } from './file-effects.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const workerId = env('WORKER_ID');
const events = await createRedisEventSink({
  url: env('REDIS_URL'),
  channel: env('CHANNEL'),
  streamEnabled: false,
});
const queue = await createCommandQueue({
  url: env('REDIS_URL'),
  queue: env('QUEUE'),
  workerId,
  visibilityMs: 1_000,
});
const { store, progress } = fileEffects(env('EFFECTS'), env('PROGRESS'), workerId);
const messages = hourlyMessages('@kill', '2025-11-06', 48);
createWorker({
  queue,
  ports: {
    source: hangingSource(messages, Date.parse('2025-11-07T00:00:00Z')),
    store,
    progress,
    events,
  },
  runOptions: { workerId },
});
