import { type FetchEvent, parseEvent } from '@tgfetch/core';
import { createBlockingRead, iterate } from './blocking-read.js';
import {
  type ConnectionOptions,
  type ConnectionState,
  openBlockingConnection,
} from './connection.js';
import { type GroupEntry, groupReader } from './stream-group.js';

export interface EventStreamReaderOptions extends ConnectionOptions {
  /** Consumer group: each group sees every event once; its consumers share them. */
  group: string;
  /** This reader's name within the group. */
  consumer: string;
  /** @default 'tg_events:stream' */
  stream?: string;
  /** Where a new group starts: `'0'` everything the stream holds, `'$'` new events only. @default '0' */
  startId?: string;
  /** Events left unacknowledged this long by a consumer are handed to another. @default 60_000 */
  claimIdleMs?: number;
  /** @default 5_000 */
  blockMs?: number;
}

export interface StreamEvent {
  /** The stream entry id. */
  id: string;
  /** The event, or undefined when the entry is not one of the contract. */
  event: FetchEvent | undefined;
  payload: string;
  /** Done with it: the group will not hand it out again. */
  ack(): Promise<void>;
}

export interface EventStreamReader extends AsyncIterable<StreamEvent> {
  /** The next event; `undefined` once `signal` aborts or the reader is closed. */
  next(signal?: AbortSignal): Promise<StreamEvent | undefined>;
  state(): ConnectionState;
  close(): Promise<void>;
}

/** Reads the events stream through a consumer group: nothing is lost while a consumer is away. */
export async function createEventStreamReader(
  options: EventStreamReaderOptions,
): Promise<EventStreamReader> {
  const stream = options.stream ?? 'tg_events:stream';
  const { connection, blocking } = await openBlockingConnection(
    options,
    `tgfetch:${options.consumer}:events`,
  );
  const reader = groupReader({
    client: connection.client,
    blocking,
    stream,
    group: options.group,
    consumer: options.consumer,
    claimIdleMs: options.claimIdleMs ?? 60_000,
    blockMs: options.blockMs ?? 5_000,
    startId: options.startId ?? '0',
  });
  const buffer: GroupEntry[] = [];

  const loop = createBlockingRead({
    connection,
    read: async () => {
      buffer.push(...(await reader.read()));
    },
    look: async (): Promise<StreamEvent | 'read'> => {
      const entry = buffer.shift();
      if (!entry) return 'read';
      const payload = entry.fields.payload ?? '';
      return {
        id: entry.id,
        payload,
        event: parseEvent(payload),
        ack: () =>
          reader.ack(entry.id).catch((e: unknown) => Promise.reject(connection.translate(e))),
      };
    },
  });
  const { next } = loop;

  return {
    next,
    state: connection.state,
    [Symbol.asyncIterator]: () => iterate(next),
    async close() {
      if (loop.closed) return;
      loop.close();
      blocking.destroy();
      await connection.close();
    },
  };
}
