import { parseChat } from '@tgfetch/core';
import * as v from 'valibot';
import { defineGroup, setting } from './group.js';
import { int } from './schemas.js';

/** Live follow: what the daemon follows at start, how often a follower asks, its lease. */
export const followGroup = defineGroup({
  name: 'follow',
  title: 'Live follow',
  summary:
    'How chats are followed live: by `tgfetch follow`, and by the daemon under its account’s lease.',
  variables: {
    FOLLOW_CHATS: setting({
      schema: v.pipe(
        v.string(),
        v.check(
          (s) => s.split(',').every((c) => c.trim() === '' || parseChat(c.trim()).ok),
          'must be chats separated by commas: @name, name, https://t.me/name or a numeric id',
        ),
      ),
      doc: "chats (comma-separated) the daemon adds to its account's follow set at start; `follow`/`unfollow` commands on the queue change the set",
    }),
    FOLLOW_POLL_MS: setting({
      schema: int(1000, 3_600_000),
      default: '30000',
      doc: 'longest time between two difference calls of a followed chat (how late a change Telegram does not push is seen)',
    }),
    FOLLOW_LEASE_TTL_MS: setting({
      schema: int(1000, 600_000),
      default: '15000',
      doc: "lifetime of an account's follow lease: another daemon takes over a dead follower's chats within about 1.5× this",
    }),
  },
  derive: (values) => ({
    /** FOLLOW_CHATS as a list. */
    chats: (values.FOLLOW_CHATS ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== ''),
  }),
});
