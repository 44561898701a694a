import * as v from 'valibot';

/**
 * The per-day events of the contract before v1 (`fetch_complete`, `fetch_failed`), for
 * consumers written before it: published on the events channel next to the v1 events when
 * `LEGACY_EVENTS=true` (redis-transport's `legacyEvents`). `schema/legacy-event.json`.
 */

const common = {
  chat: v.pipe(v.string(), v.description('The chat as consumers written before v1 read it: no @.')),
  timestamp: v.pipe(v.string(), v.metadata({ format: 'date-time' })),
  service: v.pipe(v.string(), v.description('The publishing service name.')),
  worker_id: v.string(),
  command_id: v.string(),
};

export const LegacyFetchCompleteSchema = v.pipe(
  v.looseObject({
    ...common,
    event: v.literal('fetch_complete'),
    date: v.pipe(v.string(), v.metadata({ format: 'date' })),
    message_count: v.pipe(v.number(), v.integer(), v.minValue(0)),
    file_path: v.string(),
    duration_seconds: v.pipe(v.number(), v.minValue(0)),
  }),
  v.description('One day of a command was stored.'),
);

export const LegacyFetchFailedSchema = v.pipe(
  v.looseObject({
    ...common,
    event: v.literal('fetch_failed'),
    date: v.pipe(
      v.nullable(v.pipe(v.string(), v.metadata({ format: 'date' }))),
      v.description('A day the failed command left unstored; null when it planned none.'),
    ),
    error: v.pipe(v.string(), v.description('The error message.')),
  }),
  v.description('One day of a failed command was not stored.'),
);

export const LegacyEventSchema = v.pipe(
  v.variant('event', [LegacyFetchCompleteSchema, LegacyFetchFailedSchema]),
  v.description(
    'The per-day events of the contract before v1, for consumers written before it, when LEGACY_EVENTS=true.',
  ),
);
