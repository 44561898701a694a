import { describeGroup } from '../testing/settings.js';
import { databaseGroup } from './database.js';

describeGroup(databaseGroup, {
  defaults: { DATABASE_URL: undefined, DATABASE_SCHEMA: 'tgfetch', DATABASE_POOL_SIZE: 10 },
  cases: [
    [
      'DATABASE_URL',
      'mysql://x',
      'DATABASE_URL must start with postgres:// or postgresql://',
      'postgresql://db/tg',
      'postgresql://db/tg',
    ],
    [
      'DATABASE_SCHEMA',
      'Bad-Name',
      'DATABASE_SCHEMA must be a lower-case identifier',
      'tg_1',
      'tg_1',
    ],
    ['DATABASE_POOL_SIZE', '0', 'DATABASE_POOL_SIZE must be at least 1', '4', 4],
  ],
});
