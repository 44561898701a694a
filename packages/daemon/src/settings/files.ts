import * as v from 'valibot';
import { defineGroup, setting } from './group.js';
import { oneOf } from './schemas.js';

/**
 * The data directory: the file store's days, and by default the Telegram peer caches and
 * (for a fetch without Redis) the account's learned request rate.
 */
export const filesGroup = defineGroup({
  name: 'files',
  title: 'Data directory',
  summary:
    "The data directory: the file store's day files, the Telegram peer caches, and a fetch's learned request rate (`.rates`; a daemon keeps it in Redis).",
  variables: {
    DATA_DIR: setting({
      schema: v.string(),
      default: './data',
      doc: 'where day files go',
    }),
    DATA_FORMAT: setting({
      schema: oneOf(['json', 'jsonl']),
      default: 'json',
      doc: '`json` or `jsonl` (metadata line, then one message per line)',
    }),
  },
});
