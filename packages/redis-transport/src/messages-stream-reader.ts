import { createBlockingRead, iterate, type Look } from './blocking-read.js';
import {
  type ConnectionOptions,
  type ConnectionState,
  openBlockingConnection,
} from './connection.js';
import { settleOnce } from './delivery.js';
import { MessagesStreamErrorCode } from './errors.js';
import { decodeMessagesStreamEntry, type MessagesStreamEntry } from './messages-stream-entry.js';
import { type GroupEntry, groupReader } from './stream-group.js';

export interface MessagesStreamReaderOptions extends ConnectionOptions {
  /** The stream `createMessagesStream` appends to (the daemon's `MESSAGES_STREAM`). */
  stream: string;
  /** The consumer group: each group sees every entry; its consumers share them. */
  group: string;
  /** This reader's name within the group (unique among live readers, the same after a restart). */
  consumer: string;
  /** Deliveries one batch holds at most. @default 100 */
  batchSize?: number;
  /** Deliveries of an entry allowed before it goes to the dead letters (`MAX_DELIVERIES`). @default 5 */
  maxDeliveries?: number;
  /** Entries another consumer left unsettled this long (it died) are taken over. @default 30_000 */
  claimIdleMs?: number;
  /** How often the entries in hand are claimed again, so that nobody takes them over. @default claimIdleMs / 3 */
  heartbeatMs?: number;
  /** Milliseconds one XREADGROUP blocks. @default 1_000 */
  blockMs?: number;
  /** Where dead letters go. @default `<stream>:dead` */
  deadStream?: string;
  /** Told of every entry moved to the dead letters, by the reader or by `deadLetter()`. @default none */
  onDeadLetter?: (id: string, reason: string) => void;
}

/** One entry handed out: the decoded entry, and how to settle it. */
export type MessageDelivery = MessagesStreamEntry & {
  /** The stream entry id. */
  readonly id: string;
  /** How many times the group handed it out (1 for a fresh one). */
  readonly attempt: number;
  /** Done with it: the group will not hand it out again. */
  ack(): Promise<void>;
  /** It cannot be stored: moved to the dead letters with `reason` (it should start with a code). */
  deadLetter(reason: string): Promise<void>;
};

export interface MessagesStreamReader extends AsyncIterable<MessageDelivery[]> {
  /**
   * The next batch: first the entries this consumer name held when it last stopped, then
   * entries other consumers left idle past `claimIdleMs`, then new ones. Entries that do not
   * decode (`INVALID_ENTRY`) or came back too often (`MAX_DELIVERIES`) go to the dead
   * letters instead. Undefined once `signal` aborts or the reader is closed; rejects with
   * `REDIS_UNAVAILABLE` once Redis was away past `maxOutageMs`.
   */
  next(signal?: AbortSignal): Promise<MessageDelivery[] | undefined>;
  /** Entries of the group handed out and not settled yet (every consumer's). */
  pending(): Promise<number>;
  state(): ConnectionState;
  /** Rejects with `REDIS_UNAVAILABLE` once Redis was away past `maxOutageMs`, even between reads. */
  readonly failed: Promise<never>;
  /**
   * Stops reading. Deliveries not settled stay pending: this consumer name takes them back
   * at once when it starts again, another after `claimIdleMs`.
   */
  close(): Promise<void>;
}

/**
 * The reading side of the messages stream, through a consumer group: at least once, every
 * entry settled by `ack` or `deadLetter`, the entries in hand kept from others by a
 * heartbeat, and every Redis call bounded by `replyTimeoutMs` (the blocking read by `blockMs`).
 */
export async function createMessagesStreamReader(
  options: MessagesStreamReaderOptions,
): Promise<MessagesStreamReader> {
  const { stream, group, consumer } = options;
  const deadStream = options.deadStream ?? `${stream}:dead`;
  const batchSize = options.batchSize ?? 100;
  const maxDeliveries = options.maxDeliveries ?? 5;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const { connection, blocking } = await openBlockingConnection(
    options,
    `tgfetch:${consumer}:messages`,
  );
  const main = connection.client;
  const { deadline } = connection;
  const reader = groupReader({
    client: main,
    blocking,
    stream,
    group,
    consumer,
    claimIdleMs,
    blockMs: options.blockMs ?? 1_000,
    startId: '0',
    count: batchSize,
    deadline,
  });
  const buffer: GroupEntry[] = [];
  const inHand = new Set<string>();
  // Where the next page of the entries this name held before starts; undefined once all taken.
  let ownFrom: string | undefined = '-';

  // Claiming the entries in hand again (JUSTID: no delivery counted) resets their idle
  // time, so a slow batch (the database away) is not taken over by another consumer.
  const heartbeat = setInterval(
    () => {
      if (inHand.size === 0) return;
      deadline(main.xClaimJustId(stream, group, consumer, 0, [...inHand]), 'a heartbeat').catch(
        () => {},
      );
    },
    options.heartbeatMs ?? Math.max(100, Math.floor(claimIdleMs / 3)),
  );
  heartbeat.unref();

  const ack = gathered((ids) => main.xAck(stream, group, ids));

  const moveToDead = async (entry: GroupEntry, reason: string) => {
    await deadline(
      main
        .multi()
        .xAdd(deadStream, '*', {
          ...entry.fields,
          source_id: entry.id,
          reason: reason.slice(0, 1_000),
          deliveries: String(entry.deliveries),
        })
        .xAck(stream, group, entry.id)
        .exec(),
      'moving an entry to the dead letters',
    );
    options.onDeadLetter?.(entry.id, reason);
  };

  /** Why `entry` cannot be handed out, or its delivery. */
  const examine = (entry: GroupEntry): string | MessageDelivery => {
    if (entry.deliveries > maxDeliveries) {
      return `${MessagesStreamErrorCode.MAX_DELIVERIES}: handed out ${entry.deliveries} times without being settled`;
    }
    const decoded = decodeMessagesStreamEntry(entry.fields, entry.notUtf8 !== undefined);
    if (!decoded.ok) return `${decoded.error.code}: ${decoded.error.message}`;
    const settle = settleOnce(connection, () => inHand.delete(entry.id));
    return {
      ...decoded.entry,
      id: entry.id,
      attempt: entry.deliveries,
      ack: () => settle(() => ack(entry.id)),
      deadLetter: (reason) => settle(() => moveToDead(entry, reason)),
    };
  };

  const look = async (): Promise<Look<MessageDelivery[]>> => {
    if (buffer.length === 0) {
      if (ownFrom === undefined) return 'read';
      const page = await reader.own(ownFrom);
      ownFrom = page.next;
      buffer.push(...page.entries);
      return 'again';
    }
    const batch: Array<{ entry: GroupEntry; delivery: MessageDelivery }> = [];
    while (batch.length < batchSize) {
      const entry = buffer.shift();
      if (!entry) break;
      const found = examine(entry);
      if (typeof found !== 'string') {
        batch.push({ entry, delivery: found });
        continue;
      }
      try {
        await moveToDead(entry, found);
      } catch (error) {
        // Redis away: looked at again after the pause, in the same order.
        buffer.unshift(...batch.map((b) => b.entry), entry);
        throw error;
      }
    }
    if (batch.length === 0) return 'again';
    for (const { entry } of batch) inHand.add(entry.id);
    return batch.map((b) => b.delivery);
  };

  const loop = createBlockingRead({
    connection,
    read: async () => {
      buffer.push(...(await reader.read()));
    },
    look,
  });
  const { next } = loop;

  return {
    next,
    [Symbol.asyncIterator]: () => iterate(next),
    async pending() {
      try {
        const summary = await deadline(main.xPending(stream, group), 'XPENDING');
        return Number(summary.pending ?? 0);
      } catch (error) {
        // No group yet: nothing was handed out.
        if (error instanceof Error && error.message.includes('NOGROUP')) return 0;
        throw connection.translate(error);
      }
    },
    state: connection.state,
    failed: connection.failed,
    async close() {
      if (loop.closed) return;
      loop.close();
      clearInterval(heartbeat);
      blocking.destroy();
      await connection.close();
    },
  };
}

/**
 * `flush` over the ids of the calls made before the event loop turns: a batch acked with
 * `Promise.all(batch.map((d) => d.ack()))` is one XACK. Each call settles with its flush.
 */
function gathered(flush: (ids: string[]) => Promise<unknown>): (id: string) => Promise<void> {
  let waiting: { ids: string[]; done: Promise<void> } | undefined;
  return (id) => {
    if (!waiting) {
      const ids: string[] = [];
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        waiting = undefined;
        await flush(ids);
      });
      waiting = { ids, done };
    }
    waiting.ids.push(id);
    return waiting.done;
  };
}
