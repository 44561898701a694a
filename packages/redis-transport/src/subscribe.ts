import { type FetchEvent, type FetchEventName, parseChat, parseEvent } from '@tgfetch/core';
import { type ConnectionOptions, type ConnectionState, openConnection } from './connection.js';

export interface EventFilter {
  command_id?: string;
  /** Any form `parseChat` accepts (`ru_python`, `@ru_python`, `https://t.me/ru_python`). */
  chat?: string;
  event?: FetchEventName | readonly FetchEventName[];
}

export interface SubscribeOptions extends ConnectionOptions {
  /** @default 'tg_events' */
  channel?: string;
  /** Only events matching every given field reach the handler. @default all events */
  filter?: EventFilter;
}

export interface EventSubscription {
  state(): ConnectionState;
  /** Unsubscribes and closes the subscription's own connection. */
  close(): Promise<void>;
}

/** A predicate for `filter`. */
export function eventMatcher(filter: EventFilter = {}): (event: FetchEvent) => boolean {
  const parsed = filter.chat === undefined ? undefined : parseChat(filter.chat);
  const chat = parsed?.ok ? parsed.chat : filter.chat;
  const names = filter.event === undefined ? undefined : new Set([filter.event].flat());
  return (event) =>
    (filter.command_id === undefined || event.command_id === filter.command_id) &&
    // A chat named as the producer named it (`@name`) or canonically (its id) matches.
    (chat === undefined || event.chat === chat || event.requested_chat === chat) &&
    (names === undefined || names.has(event.event));
}

/**
 * Calls `handler` with each event published on the channel from the moment this resolves
 * (PubSub keeps nothing for absent listeners: read the events stream for that). Messages
 * that are not events of the contract (legacy ones, noise) are skipped. Runs on a
 * connection of its own, resubscribed after reconnects.
 */
export async function subscribeEvents(
  handler: (event: FetchEvent) => void,
  options: SubscribeOptions = {},
): Promise<EventSubscription> {
  const channel = options.channel ?? 'tg_events';
  const matches = eventMatcher(options.filter);
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
      const event = parseEvent(message);
      if (event && matches(event)) handler(event);
    });
  } catch (error) {
    await connection.close();
    throw connection.translate(error);
  }
  return { state: connection.state, close: () => connection.close() };
}
