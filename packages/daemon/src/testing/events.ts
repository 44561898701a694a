import { type FetchEvent, isFetchEvent } from '@tgfetch/core';
import { subscribeEvents } from '@tgfetch/redis-transport';
import { type EventLog as Log, recordEvents } from '@tgfetch/test-utils';

export type EventLog = Log<FetchEvent>;

/** Every event of a command published on `channel`, heard (and parsed) by the transport's subscriber. */
export function listenForEvents(url: string, channel: string): Promise<EventLog> {
  return recordEvents<FetchEvent>((onEvent) =>
    subscribeEvents((event) => isFetchEvent(event) && onEvent(event), { url, channel }),
  );
}
