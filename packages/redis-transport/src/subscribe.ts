import {
  parseChat,
  parseWireEvent,
  type UnknownEvent,
  unknownEvent,
  type WireEvent,
  type WireEventName,
} from '@tgfetch/core';
import { type ConnectionOptions, type ConnectionState, openConnection } from './connection.js';

export interface EventFilter {
  command_id?: string;
  /** Any form `parseChat` accepts (`ru_python`, `@ru_python`, `https://t.me/ru_python`). */
  chat?: string;
  /** Kinds of event; an unknown event (see `onUnknown`) matches by the kind it names. */
  event?: WireEventName | readonly WireEventName[];
}

export interface SubscribeOptions extends ConnectionOptions {
  /** @default 'tg_events' */
  channel?: string;
  /** Only events matching every given field reach the handler. @default all events */
  filter?: EventFilter;
  /**
   * Told of each message that names an event this version cannot read (a kind it does not
   * know, or a shape it does not accept: a newer producer's), matched against `filter` by
   * the fields it has. Without it they are skipped, as are the legacy per-day events and
   * messages that are no event at all.
   */
  onUnknown?: (event: UnknownEvent) => void;
}

export interface EventSubscription {
  state(): ConnectionState;
  /** Unsubscribes and closes the subscription's own connection. */
  close(): Promise<void>;
}

/** What `eventMatcher` reads of an event: the fields some kinds have. */
export interface MatchedFields {
  event: string;
  command_id?: unknown;
  chat?: unknown;
  requested_chat?: unknown;
}

/**
 * A predicate for `filter`. An event without a `command_id` (a followed chat's) matches no
 * command filter.
 */
export function eventMatcher(filter: EventFilter = {}): (event: MatchedFields) => boolean {
  const parsed = filter.chat === undefined ? undefined : parseChat(filter.chat);
  const chat = parsed?.ok ? parsed.chat : filter.chat;
  const names =
    filter.event === undefined ? undefined : new Set<string>([filter.event].flat() as string[]);
  return (event) =>
    (filter.command_id === undefined || event.command_id === filter.command_id) &&
    // A chat named as the producer named it (`@name`) or canonically (its id) matches.
    (chat === undefined || event.chat === chat || event.requested_chat === chat) &&
    (names === undefined || names.has(event.event));
}

/**
 * Calls `handler` with each event of the contract published on the channel from the moment
 * this resolves: a fetch command's (`started`, `progress`, `completed`, `failed`) and a
 * followed chat's (`message`, `message_edited`, `message_deleted`). PubSub keeps nothing for
 * absent listeners: read the events stream for that. Events of kinds this version does not
 * know go to `onUnknown`; legacy events and noise are skipped. Runs on a connection of its
 * own, resubscribed after reconnects.
 */
export async function subscribeEvents(
  handler: (event: WireEvent) => void,
  options: SubscribeOptions = {},
): Promise<EventSubscription> {
  const channel = options.channel ?? 'tg_events';
  const matches = eventMatcher(options.filter);
  const { onUnknown } = options;
  // A client in subscriber mode takes no PING: probe only when the subscription has its own.
  const connection = await openConnection(
    options.client ? options : { probeIntervalMs: 0, ...options },
  );
  try {
    // A borrowed client must keep serving plain commands: subscribe on a duplicate.
    const subscriber = options.client
      ? await connection.dedicated('tgfetch:subscriber')
      : connection.client;
    await subscriber.subscribe(channel, (message) => {
      const event = parseWireEvent(message);
      if (event) {
        if (matches(event)) handler(event);
        return;
      }
      if (!onUnknown) return;
      const unknown = unknownEvent(message);
      if (unknown && matches({ ...unknown.fields, event: unknown.event })) onUnknown(unknown);
    });
  } catch (error) {
    await connection.close();
    throw connection.translate(error);
  }
  return { state: connection.state, close: () => connection.close() };
}
