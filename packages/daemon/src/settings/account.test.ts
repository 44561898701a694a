import { expect, it } from 'vitest';
import { describeGroup, problemsOf } from '../testing/settings.js';
import { accountGroup } from './account.js';

describeGroup(
  accountGroup,
  {
    base: { TELEGRAM_API_ID: '1', TELEGRAM_API_HASH: 'f'.repeat(32) },
    defaults: { TELEGRAM_API_ID: 1, TELEGRAM_API_HASH: 'f'.repeat(32), TELEGRAM_PHONE: undefined },
    cases: [
      ['TELEGRAM_API_ID', '12x', 'TELEGRAM_API_ID must be a whole number', '123456', 123456],
      ['TELEGRAM_API_ID', '0', 'TELEGRAM_API_ID must be at least 1', '1', 1],
      ['TELEGRAM_API_HASH', 'abc', 'must be 32 hex characters', 'A'.repeat(32), 'A'.repeat(32)],
    ],
  },
  () => {
    it('require the application from my.telegram.org, each variable named', () => {
      expect(problemsOf({}, [accountGroup])).toEqual([
        'TELEGRAM_API_ID is required to use Telegram (from https://my.telegram.org)',
        'TELEGRAM_API_HASH is required to use Telegram (from https://my.telegram.org)',
      ]);
    });
  },
);
