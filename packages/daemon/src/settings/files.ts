import * as v from 'valibot';
import { defineGroup, setting } from './group.js';
import { oneOf } from './schemas.js';

/** The data directory: the file store's days, and the Telegram peer caches by default. */
export const filesGroup = defineGroup({
  name: 'files',
  title: 'Data directory',
  summary: "The data directory: the file store's day files, and the Telegram peer caches.",
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
