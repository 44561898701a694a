import { defineGroup, setting } from './group.js';
import { bool, int, text } from './schemas.js';

/** The signed-in account a fetch goes through, and what it remembers of its peers. */
export const sessionGroup = defineGroup({
  name: 'session',
  title: 'Telegram session',
  summary: 'The signed-in account the telegram source fetches through.',
  variables: {
    TELEGRAM_SESSION: setting({
      schema: text(),
      required: 'to fetch from Telegram (make one with `tgfetch login`)',
      secret: true,
      doc: 'string session from `tgfetch login`',
    }),
    TELEGRAM_TAKEOUT: setting({
      schema: bool(),
      default: 'false',
      doc: 'fetch through a takeout session (lower flood limits; confirm it on another device)',
    }),
    TELEGRAM_PEER_CACHE_DIR: setting({
      schema: text(),
      shown: '`<DATA_DIR>/.peers`',
      doc: 'per-account peer cache (access hashes, usernames); `off` keeps it in memory',
    }),
    TELEGRAM_PEER_TTL_SEC: setting({
      schema: int(1, 30 * 86_400),
      default: '86400',
      doc: 'how long a resolved username (and a walk of the dialogs) is trusted',
    }),
  },
});
