import { describeGroup } from '../testing/settings.js';
import { daysGroup } from './days.js';

describeGroup(daysGroup, {
  defaults: { TGFETCH_TZ: 'UTC', FETCH_STRATEGY: 'batch' },
  cases: [
    [
      'TGFETCH_TZ',
      'Mars/Base',
      'TGFETCH_TZ must be an IANA time zone such as Europe/Moscow',
      'Europe/Moscow',
      'Europe/Moscow',
    ],
    ['FETCH_STRATEGY', 'auto', 'FETCH_STRATEGY must be batch or per_day', 'per_day', 'per_day'],
  ],
});
