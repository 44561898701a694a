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

/** Events of one command whose replies are still on their way (see `publish`). */
interface InFlight {
  sent: Promise<void>;
  failure?: unknown;
}

/**
 * One event in one command: PUBLISH on the channel, XADD to the capped stream when
 * ARGV[4] (its MAXLEN) is set, then the legacy events. Sent as EVAL with its body, never
 * EVALSHA: a NOSCRIPT reply retried later could let the next event of the command overtake
 * it, and one connection keeps them in order only if each is sent once. KEYS: stream.
 * ARGV: channel, event name, JSON, MAXLEN or '', legacy JSONs.
 */
const PUBLISH_SCRIPT = `
redis.call('PUBLISH', ARGV[1], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'event', ARGV[2], 'payload', ARGV[3])
end
for i = 5, #ARGV do redis.call('PUBLISH', ARGV[1], ARGV[i]) end
return 1`;

/** Commands tracked at once; one that never finishes here (its worker died) is dropped. */
const MAX_TRACKED = 1_000;

/**
 * Core's `EventSink` over Redis: PUBLISH on a channel and XADD to a capped stream, one
 * script (one command, one round trip) per event.
 *
 * A command's `started` and `progress` events are written at once and not waited for: the
 * command goes on while their replies come back (one connection keeps them in order). Its
 * final event (`completed` or `failed`, and any other kind) resolves only once Redis has
 * accepted it and every earlier event of the command, so that a worker acknowledges a
 * command only after all its events went out. An earlier event that failed makes the next
 * publish of the command (at the latest its final one) reject with that error, which ends
 * the command as a failed publish does (see `EventSink`).
 */
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
  const inFlight = new Map<string, InFlight>();

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
      // A live change belongs to no command: it is waited for on its own, as a final event is.
      const id = isFetchEvent(event) ? event.command_id : undefined;
      const earlier = id === undefined ? undefined : inFlight.get(id);
      if (id !== undefined && earlier?.failure !== undefined) {
        inFlight.delete(id);
        throw connection.translate(earlier.failure);
      }
      const json = JSON.stringify(event);
      const args = [channel, event.event, json, streamEnabled ? String(maxLen) : ''];
      // The older contract knows fetch commands only: live changes and ticks have no legacy form.
      if (options.legacy && isFetchEvent(event)) {
        for (const old of legacyFor(event)) args.push(JSON.stringify(old));
      }
      const sent = client.eval(PUBLISH_SCRIPT, { keys: [stream], arguments: args });
      // Settles once this event and every earlier one of the command went out; a failure
      // of any is kept for the command's next publish.
      const tracked: InFlight = {
        sent: Promise.all([earlier?.sent, sent]).then(() => {}),
      };
      tracked.sent.catch((error: unknown) => {
        tracked.failure ??= error;
      });
      if (id === undefined) {
        try {
          await tracked.sent;
        } catch (error) {
          throw connection.translate(error);
        }
        return;
      }
      if (event.event === 'started' || event.event === 'progress') {
        inFlight.delete(id);
        inFlight.set(id, tracked);
        if (inFlight.size > MAX_TRACKED) inFlight.delete(inFlight.keys().next().value as string);
        return;
      }
      inFlight.delete(id);
      try {
        await tracked.sent;
      } catch (error) {
        throw connection.translate(error);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // What was written and not waited for goes out first.
      await Promise.allSettled([...inFlight.values()].map((f) => f.sent));
      inFlight.clear();
      await connection.close();
    },
  };
}

function isFetchEvent(event: WireEvent): event is FetchEvent {
  return (
    event.event !== 'scheduled' && !(MESSAGE_EVENT_NAMES as readonly string[]).includes(event.event)
  );
}
