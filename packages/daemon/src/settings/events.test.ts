import { describeGroup } from '../testing/settings.js';
import { eventsGroup } from './events.js';

describeGroup(eventsGroup, {
  defaults: {
    EVENTS_CHANNEL: 'tg_events',
    EVENTS_STREAM: 'tg_events:stream',
    EVENTS_STREAM_MAXLEN: 10_000,
    LEGACY_EVENTS: false,
  },
  cases: [
    ['EVENTS_STREAM_MAXLEN', '1.5', 'EVENTS_STREAM_MAXLEN must be a whole number', '0', 0],
    ['LEGACY_EVENTS', '2', 'LEGACY_EVENTS must be true or false', 'on', true],
  ],
});
