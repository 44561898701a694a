/**
 * Send a command and wait for its result.
 *
 * Run: `npx vitest run examples` from the repository root (it starts a redis-server);
 * in your app, call `main({ redisUrl })`. Shows: the producer side, `createCommandClient`
 * `.run()`, which pushes a command onto the Redis list and resolves with its `completed`
 * event (or rejects with `CommandFailedError`). So that the example is whole, a worker
 * (`createWorker` over the simulated Telegram and an in-memory store) runs in the same
 * process; in production that is `tgfetch daemon`, somewhere else.
 */
import {
  type CompletedEvent,
  createMemoryProgress,
  createMemoryStore,
  createWorker,
} from '@tgfetch/core';
import {
  createCommandClient,
  createCommandQueue,
  createRedisEventSink,
} from '@tgfetch/redis-transport';
import { createSimulatedSource } from '@tgfetch/telegram/testing';

export interface SendExampleOptions {
  redisUrl: string;
  /** @default 'tg_commands' */
  queue?: string;
  /** @default 'tg_events' */
  channel?: string;
}

export async function main(options: SendExampleOptions): Promise<CompletedEvent> {
  const { redisUrl: url, queue = 'tg_commands', channel = 'tg_events' } = options;

  // The worker: what `tgfetch daemon` does, in a few lines.
  const events = await createRedisEventSink({ url, channel, streamEnabled: false });
  const commands = await createCommandQueue({ url, queue, workerId: 'example-worker' });
  const source = createSimulatedSource();
  const worker = createWorker({
    queue: commands,
    ports: { source, store: createMemoryStore(), progress: createMemoryProgress(), events },
    runOptions: { workerId: 'example-worker' },
  });

  // The producer: any service that wants a fetch done.
  const client = await createCommandClient({ url, queue, channel });
  try {
    const done = await client.run(
      { command: 'fetch', chat: '@example_chat', mode: 'days', days: 2 },
      {
        timeout: 30_000,
        onProgress: (event) => console.log(`${event.date}: ${event.count} messages`),
      },
    );
    console.log(`completed: ${done.processed} messages in ${done.days.length} days`);
    return done;
  } finally {
    await client.close();
    await worker.stop({ graceMs: 5_000 });
    await commands.close();
    await events.close();
    await source.close();
  }
}
