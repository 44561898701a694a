import * as v from 'valibot';

/**
 * The events of the wire contract (DESIGN.md, "Events"), as valibot schemas so that
 * subscribers can validate what they receive and the JSON Schema is generated from the
 * same source.
 */

const ParamsSchema = v.union([
  v.object({ date: v.string() }),
  v.object({ days: v.number() }),
  v.object({ from: v.string(), to: v.string() }),
  v.object({}),
]);

/**
 * What became of one planned day:
 * - `stored`: fetched and stored complete;
 * - `partial`: fetched and stored, not complete (today, or cut by `limit`);
 * - `skipped`: already complete, and its stored copy matched its progress record;
 * - `not_covered`: the source does not know this day (an export outside the days it
 *   holds); nothing stored, a later source can fill it;
 * - `not_reached`: the command's `limit` ran out before it; nothing stored.
 */
export const DAY_OUTCOMES = ['stored', 'partial', 'skipped', 'not_covered', 'not_reached'] as const;
export type DayOutcome = (typeof DAY_OUTCOMES)[number];

export const DaySummarySchema = v.object({
  date: v.string(),
  /** Messages in the stored day (after merging); 0 for days not stored. */
  count: v.number(),
  /** The configured data directory joined with the day's location; "" when nothing is stored. */
  file_path: v.string(),
  skipped: v.boolean(),
  complete: v.boolean(),
  /** Optional so that events of older workers still parse; this engine always sets it. */
  outcome: v.optional(v.picklist(DAY_OUTCOMES)),
  /** What was repaired before this day was stored (missing, truncated or corrupt copy). */
  repair: v.optional(v.string()),
});

const common = {
  command_id: v.string(),
  chat: v.nullable(v.string()),
  mode: v.nullable(v.picklist(['date', 'days', 'range'])),
  params: ParamsSchema,
  /**
   * Messages in the days this command stored so far: the sum of `count` over its days
   * whose outcome is `stored` or `partial` (skipped days are not counted).
   */
  processed: v.number(),
  /** Errors met so far (retried ones included). */
  errors: v.number(),
  duration_sec: v.number(),
  ts: v.string(),
  worker_id: v.string(),
};

export const StartedEventSchema = v.looseObject({
  ...common,
  event: v.literal('started'),
  status: v.literal('running'),
  /**
   * The days the command covers, newest first: the order in which `progress` events come
   * (one per date) and `completed.days` is listed.
   */
  dates: v.array(v.string()),
});

export const ProgressEventSchema = v.looseObject({
  ...common,
  event: v.literal('progress'),
  status: v.literal('running'),
  ...DaySummarySchema.entries,
});

export const CompletedEventSchema = v.looseObject({
  ...common,
  event: v.literal('completed'),
  status: v.literal('completed'),
  days: v.array(DaySummarySchema),
});

export const ErrorInfoSchema = v.object({
  code: v.string(),
  message: v.string(),
  retryable: v.boolean(),
});

export const FailedEventSchema = v.looseObject({
  ...common,
  event: v.literal('failed'),
  status: v.literal('failed'),
  error: ErrorInfoSchema,
  /** Days dealt with before the failure (stored ones stay stored), newest first. */
  days: v.optional(v.array(DaySummarySchema)),
});

export const FetchEventSchema = v.variant('event', [
  StartedEventSchema,
  ProgressEventSchema,
  CompletedEventSchema,
  FailedEventSchema,
]);

export type DaySummary = v.InferOutput<typeof DaySummarySchema>;
export type StartedEvent = v.InferOutput<typeof StartedEventSchema>;
export type ProgressEvent = v.InferOutput<typeof ProgressEventSchema>;
export type CompletedEvent = v.InferOutput<typeof CompletedEventSchema>;
export type FailedEvent = v.InferOutput<typeof FailedEventSchema>;
export type FetchEvent = v.InferOutput<typeof FetchEventSchema>;
export type FetchEventName = FetchEvent['event'];

/** Parses an event received from a transport; `undefined` when it is not one. */
export function parseEvent(input: unknown): FetchEvent | undefined {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      return undefined;
    }
  }
  const result = v.safeParse(FetchEventSchema, value);
  return result.success ? result.output : undefined;
}
