import {
  type CommandQueue,
  commandFromStreamFields,
  type Delivery,
  STREAM_PAYLOAD_FIELD,
} from '@tgfetch/core';
import { commandQueue, createBlockingRead } from './blocking-read.js';
import { type ConnectionOptions, openBlockingConnection } from './connection.js';
import { deadLetter, settleOnce } from './delivery.js';
import { checkKeyType } from './key-type.js';
import { type GroupEntry, groupReader } from './stream-group.js';

export interface StreamCommandQueueOptions extends ConnectionOptions {
  /** The consumer name within the group (unique among live workers). */
  workerId: string;
  /**
   * The stream producers XADD to, one command per entry: JSON in field `payload`, or flat
   * fields (`command fetch chat @x mode days days 3`, see core's `commandFromStreamFields`).
   * @default 'tg_commands' (the daemon's `QUEUE_NAME`)
   */
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
}

/** The field of a stream entry that holds the command JSON. */
export const PAYLOAD_FIELD = STREAM_PAYLOAD_FIELD;

/**
 * The Streams flavour of the command queue: a consumer group, XACK when done, XAUTOCLAIM of
 * entries idle longer than `visibilityMs`, and a dead-letter stream `<stream>:dead` (a
 * dead-lettered entry is handed out flagged `deadLettered`, for the worker to report).
 */
export async function createStreamCommandQueue(
  options: StreamCommandQueueOptions,
): Promise<CommandQueue> {
  const { workerId } = options;
  const stream = options.stream ?? 'tg_commands';
  const group = options.group ?? 'tgfetch';
  const dead = `${stream}:dead`;
  const visibilityMs = options.visibilityMs ?? 30_000;
  const maxDeliveries = options.maxDeliveries ?? 5;
  const { connection, blocking } = await openBlockingConnection(
    options,
    `tgfetch:${workerId}:xread`,
  );
  const main = connection.client;
  try {
    await checkKeyType(main, stream, 'stream');
  } catch (error) {
    await connection.close();
    throw connection.translate(error);
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

  // Claiming our own entries again resets their idle time: nobody takes over a live worker.
  const heartbeat = setInterval(
    () => {
      if (inHand.size === 0) return;
      main.xClaimJustId(stream, group, workerId, 0, [...inHand]).catch(() => {});
    },
    options.heartbeatMs ?? visibilityMs / 3,
  );

  // Marked idle for the whole visibility window: the next XAUTOCLAIM takes it. Not counted
  // (a shutdown) unless `counted` (the handling crashed: it must end dead-lettered).
  const idleAgain = (entry: GroupEntry, counted = false) =>
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
      String(Math.max(0, counted ? entry.deliveries : entry.deliveries - 1)),
      'JUSTID',
    ]);

  const deliver = async (entry: GroupEntry): Promise<Delivery> => {
    // Dead letters and events carry the JSON form of either entry form.
    const payload = commandFromStreamFields(entry.fields);
    const about = {
      payload,
      ...(entry.notUtf8 ? { bytes: entry.notUtf8 } : {}),
      id: entry.id,
      attempt: entry.deliveries,
    };
    if (entry.deliveries > maxDeliveries) {
      await main
        .multi()
        .xAdd(dead, '*', { [PAYLOAD_FIELD]: payload, source_id: entry.id })
        .xAck(stream, group, entry.id)
        .xDel(stream, entry.id)
        .exec();
      // Handed out flagged, so that the worker reports it (CommandQueue's contract).
      return deadLetter(about);
    }
    inHand.add(entry.id);
    const settle = settleOnce(connection, () => inHand.delete(entry.id));
    return {
      ...about,
      ack: () => settle(() => reader.ack(entry.id)),
      release: (how) => settle(() => idleAgain(entry, how?.counted)),
    };
  };

  /**
   * Waiting: entries not handed to any consumer yet, and pending ones idle past the
   * visibility window (released, or their worker died), which the next XAUTOCLAIM takes.
   */
  const lengths = {
    async length() {
      const total = await main.xLen(stream);
      let pending: number;
      try {
        pending = Number((await main.xPending(stream, group)).pending);
      } catch (error) {
        // No group yet: nothing was handed out.
        if (error instanceof Error && error.message.includes('NOGROUP')) return total;
        throw error;
      }
      if (pending === 0) return total;
      const idle = await main.xPendingRange(stream, group, '-', '+', pending, {
        IDLE: visibilityMs,
      });
      return Math.max(0, total - pending + idle.length);
    },
    deadLength: () => main.xLen(dead),
  };

  const loop = createBlockingRead({
    connection,
    read: async () => {
      buffer.push(...(await reader.read()));
    },
    look: async () => {
      const entry = buffer.shift();
      if (!entry) return 'read';
      try {
        return await deliver(entry);
      } catch (error) {
        buffer.unshift(entry);
        throw error;
      }
    },
  });

  return commandQueue(connection, loop, lengths, async () => {
    clearInterval(heartbeat);
    blocking.destroy();
    try {
      // Read but never handed out: offered to the next XAUTOCLAIM of any worker.
      const handBack = async () => {
        for (const entry of buffer.splice(0)) await idleAgain(entry);
      };
      if (!connection.failure()) await connection.deadline(handBack(), 'handing commands back');
    } catch {
      // Redis is gone: they are claimed once idle for visibilityMs anyway.
    }
    await connection.close();
  });
}
