import * as v from 'valibot';
import { ChatSchema, CommandOptionsSchema, MAX_LIMIT, TimeZoneSchema } from './command-schema.js';

/**
 * The wire form of a schedule, as valibot schemas: each field on its own. `parseSchedule`
 * adds what needs several fields or a library (one of `every` and `cron`, the duration, the
 * cron pattern, duplicate chats). Options are a fetch command's own (`CommandOptionsSchema`):
 * whatever a fetch takes, a schedule's runs take.
 */

/** Chats one schedule may name: each tick pushes one command per chat. */
export const MAX_SCHEDULE_CHATS = 100;
/** Days one run may cover (the producer's default `maxCommandDays`). */
export const MAX_SCHEDULE_DAYS = 366;
/** Days a `since_last_run` schedule catches up at most, unless `max_days` says otherwise. */
export const DEFAULT_CATCH_UP_DAYS = 7;
export const MAX_SCHEDULE_NAME_LENGTH = 64;
export const MAX_CRON_LENGTH = 128;
/** The shortest and longest `every`, in seconds. */
export const MIN_EVERY_SECONDS = 1;
export const MAX_EVERY_SECONDS = 366 * 86_400;

// `(?![\s\S])`, not `$`: Python's `re` lets `$` match before a final newline.
export const SCHEDULE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\s\S])/;

export const ScheduleNameSchema = v.pipe(
  v.string('must be a string'),
  v.regex(
    SCHEDULE_NAME_PATTERN,
    'must be 1–64 letters, digits, "_", "." or "-", starting with a letter or digit',
  ),
  v.description(
    'The schedule\u2019s name, unique in its store; part of every command id it makes.',
  ),
);

const DaysCount = v.pipe(
  v.number('must be a number'),
  v.integer('must be a whole number'),
  v.minValue(1, 'must be at least 1'),
  v.maxValue(MAX_SCHEDULE_DAYS, `must be at most ${MAX_SCHEDULE_DAYS}`),
);

export const ScheduleInputSchema = v.object({
  name: ScheduleNameSchema,
  chat: v.optional(ChatSchema),
  chats: v.optional(
    v.pipe(
      v.array(ChatSchema, 'must be an array of chats'),
      v.minLength(1, 'must name at least one chat'),
      v.maxLength(MAX_SCHEDULE_CHATS, `must name at most ${MAX_SCHEDULE_CHATS} chats`),
    ),
  ),
  days: v.optional(
    v.union(
      [DaysCount, v.literal('since_last_run')],
      `must be a whole number 1–${MAX_SCHEDULE_DAYS} or "since_last_run"`,
    ),
  ),
  max_days: v.optional(DaysCount),
  every: v.optional(
    v.union(
      [v.pipe(v.string(), v.maxLength(32, 'is too long')), v.number()],
      'must be a duration ("15m", "1h30m") or a number of seconds',
    ),
  ),
  cron: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.maxLength(MAX_CRON_LENGTH, `must be at most ${MAX_CRON_LENGTH} characters`),
    ),
  ),
  tz: v.optional(TimeZoneSchema),
  options: v.optional(CommandOptionsSchema),
  strategy: v.optional(v.picklist(['batch', 'per_day'], 'must be "batch" or "per_day"')),
  limit: v.optional(
    v.pipe(
      v.number('must be a number'),
      v.integer('must be a whole number'),
      v.minValue(1, 'must be at least 1'),
      v.maxValue(MAX_LIMIT, `must be at most ${MAX_LIMIT}`),
    ),
  ),
  paused: v.optional(v.boolean('must be true or false')),
});

export type ScheduleInput = v.InferInput<typeof ScheduleInputSchema>;
export type ScheduleOptions = v.InferOutput<typeof CommandOptionsSchema>;
