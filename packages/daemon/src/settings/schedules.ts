import { defineGroup, setting } from './group.js';
import { bool, int, matching } from './schemas.js';

/** Schedules in Redis: whether this daemon runs them, where their ticks go, how they spread. */
export const schedulesGroup = defineGroup({
  name: 'schedules',
  title: 'Schedules',
  summary:
    'Schedules in Redis (`tgfetch schedule`, the `schedule` command): which daemons push their ticks, onto which queue, spread how. Any number of daemons may run them: each tick is pushed once.',
  variables: {
    SCHEDULER: setting({
      schema: bool(),
      default: 'true',
      doc: 'whether this daemon pushes the ticks of due schedules (each tick once, whichever daemon gets to it first)',
    }),
    SCHEDULE_QUEUE: setting({
      schema: matching(/^\S{1,200}$/, 'must be a Redis key without spaces'),
      doc: 'the queue ticks push their fetch commands onto, in `QUEUE_MODE`; unset: `QUEUE_NAME` (another lets other daemons run them)',
    }),
    SCHEDULE_JITTER_MS: setting({
      schema: int(0, 3_600_000),
      default: '10000',
      doc: 'each schedule runs a fixed delay of its own (from its name, under this) after its ticks, so that schedules of one minute do not all push at once; the same on every daemon of a Redis',
    }),
    SCHEDULE_LATE_MS: setting({
      schema: int(1, 86_400_000),
      default: '60000',
      doc: 'a tick pushed longer than this after it was due counts as late (`tgfetch_schedule_ticks_late_total`)',
    }),
    MAX_SCHEDULES: setting({
      schema: int(1, 1_000_000),
      default: '10000',
      doc: 'schedules the store may hold; adding more is refused (`SCHEDULE_LIMIT`)',
    }),
  },
});
