import { type FetchEvent, parseEvent } from '@tgfetch/core';
import {
  type ConnectionOptions,
  type ConnectionState,
  openBlockingConnection,
} from './connection.js';
import { serial } from './delivery.js';
import { closedError } from './errors.js';

export interface EventLogOptions extends ConnectionOptions {
  /** The events stream the workers append to. @default 'tg_events:stream' */
  stream?: string;
}

/** One entry of the events stream. */
export interface LoggedEvent {
  /** The stream entry id: increasing, so a reader resumes after the last one it saw. */
  id: string;
  /** The event, or undefined when the entry is not one of the contract. */
  event: FetchEvent | undefined;
  payload: string;
}

/**
 * The events stream read as a log, without a consumer group: an observer (a console, a
 * person) sees every event and takes none from the services that consume the stream.
 */
export interface EventLog {
  /** The newest `count` events, newest first. */
  recent(count: number): Promise<LoggedEvent[]>;
  /** At most `count` events after entry `id`, oldest first. */
  after(id: string, count: number): Promise<LoggedEvent[]>;
  /** The id of the newest entry, or `0-0` for an empty stream: where to start waiting. */
  lastId(): Promise<string>;
  /**
   * Events after `id`, waiting up to `blockMs` for the first (XREAD BLOCK, on a connection
   * of its own; calls run one at a time); [] when none came.
   */
  wait(id: string, blockMs: number, count?: number): Promise<LoggedEvent[]>;
  state(): ConnectionState;
  close(): Promise<void>;
}

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

export async function openEventLog(options: EventLogOptions = {}): Promise<EventLog> {
  const stream = options.stream ?? 'tg_events:stream';
  const { connection, blocking } = await openBlockingConnection(options, 'tgfetch:event-log');
  const client = connection.client;
  const oneAtATime = serial();
  let closed = false;

  const logged = (entry: { id: string; message: Record<string, string> }): LoggedEvent => {
    const payload = entry.message.payload ?? '';
    return { id: entry.id, payload, event: parseEvent(payload) };
  };
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (closed) throw closedError('event log');
    try {
      return await fn();
    } catch (error) {
      throw connection.translate(error);
    }
  };
  const checkId = (id: string) => {
    if (!STREAM_ID.test(id)) throw new TypeError(`"${id.slice(0, 40)}" is not a stream entry id`);
    return id;
  };

  return {
    recent: (count) =>
      guard(async () =>
        ((await client.xRevRange(stream, '+', '-', { COUNT: Math.max(1, count) })) ?? []).map(
          logged,
        ),
      ),
    after: (id, count) =>
      guard(async () =>
        (
          (await client.xRange(stream, `(${checkId(id)}`, '+', { COUNT: Math.max(1, count) })) ?? []
        ).map(logged),
      ),
    lastId: () =>
      guard(async () => {
        const [newest] = (await client.xRevRange(stream, '+', '-', { COUNT: 1 })) ?? [];
        return newest?.id ?? '0-0';
      }),
    wait: (id, blockMs, count = 100) =>
      oneAtATime(() =>
        guard(async () => {
          const reply = await blocking.xRead(
            { key: stream, id: checkId(id) },
            { BLOCK: Math.max(1, blockMs), COUNT: count },
          );
          return (reply ?? []).flatMap((s) => s.messages).map(logged);
        }),
      ),
    state: connection.state,
    async close() {
      if (closed) return;
      closed = true;
      blocking.destroy();
      await connection.close();
    },
  };
}
