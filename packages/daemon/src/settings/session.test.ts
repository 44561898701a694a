import { expect, it } from 'vitest';
import { describeGroup, problemsOf } from '../testing/settings.js';
import { sessionGroup } from './session.js';

describeGroup(
  sessionGroup,
  {
    base: { TELEGRAM_SESSION: 's' },
    defaults: {
      TELEGRAM_SESSION: 's',
      TELEGRAM_TAKEOUT: false,
      TELEGRAM_PEER_CACHE_DIR: undefined,
      TELEGRAM_PEER_TTL_SEC: 86_400,
    },
    cases: [
      ['TELEGRAM_TAKEOUT', 'maybe', 'TELEGRAM_TAKEOUT must be true or false', 'yes', true],
      ['TELEGRAM_TAKEOUT', '2', 'must be true or false', 'off', false],
      ['TELEGRAM_PEER_TTL_SEC', '0', 'TELEGRAM_PEER_TTL_SEC must be at least 1', '60', 60],
    ],
  },
  () => {
    it('requires a session, pointing at `tgfetch login`', () => {
      expect(problemsOf({}, [sessionGroup])).toEqual([
        'TELEGRAM_SESSION is required to fetch from Telegram (make one with `tgfetch login`)',
      ]);
    });
  },
);
