import { expect, it } from 'vitest';
import { STORE_KINDS } from '../compose/stores.js';
import { describeGroup, problemsOf } from '../testing/settings.js';
import { loadSettings } from './load.js';
import { alternatives } from './schemas.js';
import { storeGroup } from './store.js';

describeGroup(
  storeGroup,
  {
    defaults: { STORE: 'fs' },
    // Every store of the table, so that a new one changes nothing here.
    cases: [
      ['STORE', 'sqlite', `STORE must be ${alternatives(STORE_KINDS)}`, 'postgres', 'postgres'],
    ],
  },
  () => {
    it('brings in the settings of the store it names, and the messages stream', () => {
      const env = { DATABASE_URL: 'mysql://x', DATA_FORMAT: 'csv', MESSAGES_STREAM_MAXLEN: '0' };
      expect(problemsOf(env, [storeGroup])).toEqual([
        'DATA_FORMAT must be json or jsonl',
        'MESSAGES_STREAM_MAXLEN must be at least 1',
      ]);
      expect(problemsOf({ ...env, STORE: 'postgres' }, [storeGroup])).toEqual([
        'DATABASE_URL must start with postgres:// or postgresql://',
        'MESSAGES_STREAM_MAXLEN must be at least 1',
      ]);
      const result = loadSettings({ STORE: 'postgres' }, [storeGroup]);
      expect(result.ok && Object.keys(result.settings).sort()).toEqual([
        'database',
        'messages',
        'store',
      ]);
    });
  },
);
