import * as v from 'valibot';
import { MAX_SCHEDULE_CHATS, ScheduleNameSchema } from './schedule-schema.js';

/**
 * The `scheduled` event: a schedule's tick was run, its commands pushed onto the command
 * queue (each then has its own `started` … `completed` / `failed`). Published once per tick,
 * by the scheduler that won it.
 */
export const ScheduledEventSchema = v.pipe(
  v.looseObject({
    event: v.literal('scheduled'),
    schedule: ScheduleNameSchema,
    tick: v.pipe(
      v.string(),
      v.metadata({ format: 'date-time' }),
      v.description('The tick that was run, ISO-8601 UTC (the latest one due, see missed).'),
    ),
    command_ids: v.pipe(
      v.array(v.pipe(v.string(), v.maxLength(128))),
      v.maxLength(MAX_SCHEDULE_CHATS),
      v.description('The commands pushed for it, one per chat, in the order of chats.'),
    ),
    chats: v.pipe(
      v.array(v.pipe(v.string(), v.maxLength(256))),
      v.maxLength(MAX_SCHEDULE_CHATS),
      v.description('The chats of the commands, canonical.'),
    ),
    missed: v.pipe(
      v.number(),
      v.integer(),
      v.minValue(0),
      v.description(
        'Earlier ticks that were due and not run (no scheduler ran, or the queue was full): this run stands for them too (counted up to 1000).',
      ),
    ),
    late_ms: v.pipe(
      v.number(),
      v.integer(),
      v.minValue(0),
      v.description(
        'How long after its due time (the tick plus the schedule\u2019s jitter) it was pushed.',
      ),
    ),
    ts: v.pipe(
      v.string(),
      v.metadata({ format: 'date-time' }),
      v.description('When it was pushed, ISO-8601 UTC.'),
    ),
    worker_id: v.pipe(v.string(), v.description('The scheduler (daemon) that pushed it.')),
  }),
  v.description('A schedule\u2019s tick ran: its fetch commands are on the command queue.'),
);

export type ScheduledEvent = v.InferOutput<typeof ScheduledEventSchema>;

export interface ScheduledEventInit {
  schedule: string;
  /** Epoch ms. */
  tick: number;
  command_ids: readonly string[];
  chats: readonly string[];
  missed: number;
  late_ms: number;
  /** When it was pushed, epoch ms. */
  pushedAt: number;
  worker_id: string;
}

/** The one builder of `scheduled` events. */
export function scheduledEvent(init: ScheduledEventInit): ScheduledEvent {
  return {
    event: 'scheduled',
    schedule: init.schedule,
    tick: new Date(init.tick).toISOString(),
    command_ids: [...init.command_ids],
    chats: [...init.chats],
    missed: init.missed,
    late_ms: Math.max(0, Math.round(init.late_ms)),
    ts: new Date(init.pushedAt).toISOString(),
    worker_id: init.worker_id,
  };
}
