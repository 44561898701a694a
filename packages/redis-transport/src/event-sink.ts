import {
  type FetchEvent,
  MESSAGE_EVENT_NAMES,
  type WireEvent,
  type WireEventSink,
} from '@tgfetch/core';
import { type ConnectionOptions, type ConnectionState, openConnection } from './connection.js';
import { closedError } from './errors.js';
import { legacyEvents } from './legacy.js';

export interface RedisEventSinkOptions extends ConnectionOptions {
  /** PubSub channel every event is published on. @default 'tg_events' */
  channel?: string;
  /** Also append every event to a stream, for late or offline consumers. @default true */
  streamEnabled?: boolean;
  /** The stream: entries `{event, payload}` with the event name and its JSON. @default 'tg_events:stream' */
  stream?: string;
  /** Approximate bound of the stream (`XADD … MAXLEN ~ n`). @default 10_000 */
  maxLen?: number;
  /** Also publish the older per-day `fetch_complete` / `fetch_failed` events on the channel (for consumers written before v1). @default false */
  legacy?: boolean;
  /** `service` field of the legacy events. @default 'telegram-fetcher' */
  service?: string;
}

/** Takes every event of the contract: a fetch command's, and a live change's (`messageEvents`). */
export interface RedisEventSink extends WireEventSink {
  state(): ConnectionState;
  close(): Promise<void>;
}

/** Core's `EventSink` over Redis: PUBLISH on a channel and XADD to a capped stream. */
export async function createRedisEventSink(
  options: RedisEventSinkOptions = {},
): Promise<RedisEventSink> {
  const channel = options.channel ?? 'tg_events';
  const stream = options.stream ?? 'tg_events:stream';
  const streamEnabled = options.streamEnabled ?? true;
  const maxLen = options.maxLen ?? 10_000;
  const service = options.service ?? 'telegram-fetcher';
  const connection = await openConnection(options);
  const client = connection.client;
  /** Days of commands still running, from their `started` event (legacy `fetch_failed` needs them). */
  const planned = new Map<string, readonly string[]>();
  let closed = false;

  const legacyFor = (event: FetchEvent) => {
    if (event.event === 'started') {
      planned.set(event.command_id, event.dates);
      // A command that never finishes here (its worker died) must not pin memory forever.
      if (planned.size > 1_000) planned.delete(planned.keys().next().value as string);
      return [];
    }
    const out = legacyEvents(event, service, planned.get(event.command_id));
    if (event.event === 'completed' || event.event === 'failed') planned.delete(event.command_id);
    return out;
  };

  return {
    state: connection.state,
    async publish(event: WireEvent) {
      if (closed) throw closedError('event sink');
      const json = JSON.stringify(event);
      const batch = client.multi().publish(channel, json);
      if (streamEnabled) {
        batch.xAdd(
          stream,
          '*',
          { event: event.event, payload: json },
          { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: maxLen } },
        );
      }
      // The older contract knows fetch commands only: live changes and ticks have no legacy form.
      if (options.legacy && isFetchEvent(event)) {
        for (const old of legacyFor(event)) batch.publish(channel, JSON.stringify(old));
      }
      try {
        await batch.execAsPipeline();
      } catch (error) {
        throw connection.translate(error);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await connection.close();
    },
  };
}

function isFetchEvent(event: WireEvent): event is FetchEvent {
  return (
    event.event !== 'scheduled' && !(MESSAGE_EVENT_NAMES as readonly string[]).includes(event.event)
  );
}
