import { expect, it } from 'vitest';
import { describeGroup, problemsOf } from '../testing/settings.js';
import { loadSettings } from './load.js';
import { sourceGroup } from './source.js';

describeGroup(
  sourceGroup,
  {
    defaults: { TGFETCH_SOURCE: 'simulated' },
    base: { TGFETCH_SOURCE: 'simulated' },
    cases: [
      [
        'TGFETCH_SOURCE',
        'carrier-pigeon',
        'TGFETCH_SOURCE must be telegram, simulated or export:<result.json>',
        'export:r.json',
        'export:r.json',
      ],
      [
        'TGFETCH_SOURCE',
        'export:',
        'must be telegram, simulated',
        'export:a:b.json',
        'export:a:b.json',
      ],
      ['TGFETCH_SOURCE', 'telegram:x', 'must be telegram, simulated', 'simulated', 'simulated'],
      ['TGFETCH_SOURCE', 'constructor', 'must be telegram, simulated', 'simulated', 'simulated'],
    ],
  },
  () => {
    it('asks for the Telegram account and session only when the source is Telegram', () => {
      expect(problemsOf({}, [sourceGroup])).toEqual([
        'TELEGRAM_API_ID is required to use Telegram (from https://my.telegram.org)',
        'TELEGRAM_API_HASH is required to use Telegram (from https://my.telegram.org)',
        'TELEGRAM_SESSION is required to fetch from Telegram (make one with `tgfetch login`)',
      ]);
      const account = { TELEGRAM_API_ID: '1', TELEGRAM_API_HASH: 'f'.repeat(32) };
      const result = loadSettings({ ...account, TELEGRAM_SESSION: 's' }, [sourceGroup]);
      expect(result.ok && result.settings).toMatchObject({
        source: { TGFETCH_SOURCE: 'telegram' },
        account: { TELEGRAM_API_ID: 1 },
        session: { TELEGRAM_SESSION: 's' },
        telegram: { TELEGRAM_CONNECT_TIMEOUT_MS: 15_000 },
        files: { DATA_DIR: './data' },
      });
    });

    it('an export reads the time zone of its days, and nothing of Telegram', () => {
      const env = { TGFETCH_SOURCE: 'export:r.json', TGFETCH_TZ: 'Mars/Base' };
      expect(problemsOf(env, [sourceGroup])).toEqual([
        'TGFETCH_TZ must be an IANA time zone such as Europe/Moscow',
      ]);
    });
  },
);
