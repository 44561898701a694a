import { expect, it } from 'vitest';
import { describeGroup, problemsOf } from '../testing/settings.js';
import { loadSettings } from './load.js';
import { messagesGroup } from './messages.js';

describeGroup(
  messagesGroup,
  {
    defaults: { MESSAGES_STREAM: undefined, MESSAGES_STREAM_MAXLEN: 1_000_000 },
    cases: [['MESSAGES_STREAM_MAXLEN', '0', 'MESSAGES_STREAM_MAXLEN must be at least 1', '10', 10]],
  },
  () => {
    it('brings in the Redis settings when MESSAGES_STREAM is set, and only then', () => {
      const bad = { REDIS_URL: 'http://nope' };
      expect(loadSettings(bad, [messagesGroup]).ok).toBe(true);
      expect(problemsOf({ ...bad, MESSAGES_STREAM: 'tg_messages' }, [messagesGroup])).toEqual([
        'REDIS_URL must start with redis:// or rediss://',
      ]);
    });
  },
);
