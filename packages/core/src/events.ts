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

export const DaySummarySchema = v.object({
  date: v.string(),
  count: v.number(),
  file_path: v.string(),
  skipped: v.boolean(),
  complete: v.boolean(),
});

const common = {
  command_id: v.string(),
  /** The canonical chat (see the README's identity rule); null when the command had none. */
  chat: v.nullable(v.string()),
  /** The chat as the producer named it, when the command got as far as naming one. */
  requested_chat: v.optional(v.string()),
  mode: v.nullable(v.picklist(['date', 'days', 'range'])),
  params: ParamsSchema,
  /** Messages fetched and stored so far by this command. */
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
  /** The days the command covers, oldest first. */
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
  /** Days stored before the failure (they stay stored). */
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
