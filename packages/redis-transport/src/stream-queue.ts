import type { EventSink } from '@tgfetch/core';
import { type ConnectionOptions, openConnection, type RedisClient } from './connection.js';
import {
  abortPromise,
  type CommandQueue,
  type Delivery,
  reportPoison,
  serial,
} from './delivery.js';
import { type GroupEntry, groupReader } from './stream-group.js';

export interface StreamCommandQueueOptions extends ConnectionOptions {
  /** The consumer name within the group (unique among live workers). */
  workerId: string;
  /** The stream producers XADD to, one command per entry in field `payload`. @default 'tg_commands:stream' */
  stream?: string;
  /** @default 'tgfetch' */
  group?: string;
  /** Entries pending this long (their worker silent) are taken over. @default 30_000 */
  visibilityMs?: number;
  /** How often entries in hand are claimed again (keeps them from looking idle). @default visibilityMs / 3 */
  heartbeatMs?: number;
  /** Deliveries allowed before an entry goes to the dead-letter stream. @default 5 */
  maxDeliveries?: number;
  /** Milliseconds one XREADGROUP blocks. @default 5_000 */
  blockMs?: number;
  /** Gets a `failed` event (code `POISON_COMMAND`) for each dead-lettered command. @default none */
  events?: EventSink;
}

/** The field of a stream entry that holds the command JSON. */
export const PAYLOAD_FIELD = 'payload';

/**
 * The Streams flavour of the command queue: a consumer group, XACK when done, XAUTOCLAIM of
 * entries idle longer than `visibilityMs`, and a dead-letter stream `<stream>:dead`.
 */
export async function createStreamCommandQueue(
  options: StreamCommandQueueOptions,
): Promise<CommandQueue> {
  const { workerId } = options;
  const stream = options.stream ?? 'tg_commands:stream';
  const group = options.group ?? 'tgfetch';
  const visibilityMs = options.visibilityMs ?? 30_000;
  const maxDeliveries = options.maxDeliveries ?? 5;
  const connection = await openConnection(options);
  const main = connection.client;
  let blocking: RedisClient;
  try {
    blocking = await connection.dedicated(`tgfetch:${workerId}:xread`);
  } catch (error) {
    await connection.close();
    throw error;
  }
  const reader = groupReader({
    client: main,
    blocking,
    stream,
    group,
    consumer: workerId,
    claimIdleMs: visibilityMs,
    blockMs: options.blockMs ?? 5_000,
    startId: '0',
  });
  const buffer: GroupEntry[] = [];
  const inHand = new Set<string>();
  const take = serial();
  let pending: Promise<void> | undefined;
  let closed = false;
  let resolveClosed = () => {};
  const closing = new Promise<'closed'>((resolve) => {
    resolveClosed = () => resolve('closed');
  });

  // Claiming our own entries again resets their idle time: nobody takes over a live worker.
  const heartbeat = setInterval(
    () => {
      if (inHand.size === 0) return;
      main.xClaimJustId(stream, group, workerId, 0, [...inHand]).catch(() => {});
    },
    options.heartbeatMs ?? visibilityMs / 3,
  );

  const read = async () => {
    try {
      buffer.push(...(await reader.read()));
    } catch (error) {
      if (closed) return;
      if (error instanceof Error && error.message.includes('NOGROUP')) reader.forgetGroup();
      else if (!connection.translate(error).retryable) {
        await Promise.race([closing, new Promise((r) => setTimeout(r, 1_000))]);
      }
    }
  };

  // Marked idle for the whole visibility window (and not counted): the next XAUTOCLAIM takes it.
  const idleAgain = (entry: GroupEntry) =>
    main.sendCommand([
      'XCLAIM',
      stream,
      group,
      workerId,
      '0',
      entry.id,
      'IDLE',
      String(visibilityMs),
      'RETRYCOUNT',
      String(Math.max(0, entry.deliveries - 1)),
      'JUSTID',
    ]);

  const deliver = async (entry: GroupEntry): Promise<Delivery | undefined> => {
    const payload = entry.fields[PAYLOAD_FIELD] ?? Object.values(entry.fields)[0] ?? '';
    if (entry.deliveries > maxDeliveries) {
      await main
        .multi()
        .xAdd(`${stream}:dead`, '*', { [PAYLOAD_FIELD]: payload, source_id: entry.id })
        .xAck(stream, group, entry.id)
        .exec();
      await reportPoison(options.events, payload, entry.deliveries - 1, workerId);
      return undefined;
    }
    inHand.add(entry.id);
    let settled = false;
    const settle = async (fn: () => Promise<unknown>) => {
      if (settled) return;
      settled = true;
      try {
        await fn();
      } catch (error) {
        settled = false;
        throw connection.translate(error);
      }
      inHand.delete(entry.id);
    };
    return {
      payload,
      id: entry.id,
      attempt: entry.deliveries,
      ack: () => settle(() => reader.ack(entry.id)),
      release: () => settle(() => idleAgain(entry)),
    };
  };

  const next = (signal?: AbortSignal) =>
    take(async () => {
      const aborted = abortPromise(signal);
      try {
        for (;;) {
          if (closed || signal?.aborted) return undefined;
          const failure = connection.failure();
          if (failure) throw failure;
          const entry = buffer.shift();
          if (entry) {
            try {
              const delivery = await deliver(entry);
              if (delivery) return delivery;
            } catch (error) {
              buffer.unshift(entry);
              const translated = connection.translate(error);
              if (!translated.retryable) throw translated;
              // The connection dropped: node-redis reconnects while the outage clock runs.
              const outcome = await Promise.race([
                new Promise((r) => setTimeout(r, 100)),
                aborted.promise,
                closing,
                connection.failed,
              ]);
              if (outcome === 'aborted' || outcome === 'closed') return undefined;
            }
            continue;
          }
          pending ??= read().finally(() => {
            pending = undefined;
          });
          const outcome = await Promise.race([
            pending,
            aborted.promise,
            closing,
            connection.failed,
          ]);
          if (outcome === 'aborted' || outcome === 'closed') return undefined;
        }
      } catch (error) {
        throw connection.translate(error);
      } finally {
        aborted.dispose();
      }
    });

  return {
    next,
    state: connection.state,
    get isReady() {
      return connection.state() === 'ready';
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const delivery = await next();
        if (!delivery) return;
        yield delivery;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      resolveClosed();
      clearInterval(heartbeat);
      blocking.destroy();
      try {
        // Read but never handed out: offered to the next XAUTOCLAIM of any worker.
        for (const entry of buffer.splice(0)) await idleAgain(entry);
      } catch {
        // Redis is gone: they are claimed once idle for visibilityMs anyway.
      }
      await connection.close();
    },
  };
}
