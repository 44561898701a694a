import { expect, it } from 'vitest';
import { describeGroup, valuesOf } from '../testing/settings.js';
import { followGroup } from './follow.js';

describeGroup(
  followGroup,
  {
    defaults: {
      FOLLOW_CHATS: undefined,
      FOLLOW_POLL_MS: 30_000,
      FOLLOW_LEASE_TTL_MS: 15_000,
      chats: [],
    },
    cases: [
      [
        'FOLLOW_CHATS',
        '@ok, not/a chat',
        'FOLLOW_CHATS must be chats separated by commas',
        '@ru_python,-1001878264527',
        '@ru_python,-1001878264527',
      ],
      ['FOLLOW_POLL_MS', '999', 'FOLLOW_POLL_MS must be at least 1000', '1000', 1000],
      ['FOLLOW_LEASE_TTL_MS', '600001', 'FOLLOW_LEASE_TTL_MS must be at most 600000', '2000', 2000],
    ],
  },
  () => {
    it('lists FOLLOW_CHATS, spaces and empty entries left out', () => {
      expect(valuesOf(followGroup, { FOLLOW_CHATS: ' @a , ,https://t.me/b,' }).chats).toEqual([
        '@a',
        'https://t.me/b',
      ]);
    });
  },
);
