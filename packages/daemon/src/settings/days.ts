import { isTimeZone } from '@tgfetch/core';
import * as v from 'valibot';
import { defineGroup, setting } from './group.js';
import { oneOf } from './schemas.js';

/** How the days of a command are cut and walked when the command does not say. */
export const daysGroup = defineGroup({
  name: 'days',
  title: 'Days',
  summary: 'How the days of a command are cut and walked when the command does not say.',
  variables: {
    TGFETCH_TZ: setting({
      schema: v.pipe(
        v.string(),
        v.check(isTimeZone, 'must be an IANA time zone such as Europe/Moscow'),
      ),
      default: 'UTC',
      doc: "IANA zone the days are cut in (a command's `options.tz` wins)",
    }),
    FETCH_STRATEGY: setting({
      schema: oneOf(['batch', 'per_day']),
      default: 'batch',
      doc: 'strategy of commands that name none (CLI)',
    }),
  },
});
