import { defineGroup, setting } from './group.js';
import { bool, int, text } from './schemas.js';

/** Where the daemons' events are published, and where `send --wait` and `listen` read them. */
export const eventsGroup = defineGroup({
  name: 'events',
  title: 'Events',
  summary: 'Where events are published (PubSub and a capped stream) and read.',
  variables: {
    EVENTS_CHANNEL: setting({
      schema: text(),
      default: 'tg_events',
      doc: 'PubSub channel of the events',
    }),
    EVENTS_STREAM: setting({
      schema: text(),
      default: 'tg_events:stream',
      doc: 'stream the events are also appended to',
    }),
    EVENTS_STREAM_MAXLEN: setting({
      schema: int(0, 100_000_000),
      default: '10000',
      doc: 'approximate bound of the events stream; `0` switches the stream off',
    }),
    LEGACY_EVENTS: setting({
      schema: bool(),
      default: 'false',
      doc: 'also publish the older per-day `fetch_complete` / `fetch_failed` events',
    }),
  },
});
