import { expect, it } from 'vitest';
import { describeGroup, problemsOf } from '../testing/settings.js';
import { proxySecrets, telegramGroup } from './telegram.js';

describeGroup(
  telegramGroup,
  {
    defaults: {
      TELEGRAM_CONNECT_TIMEOUT_MS: 15_000,
      TELEGRAM_REQUEST_TIMEOUT_MS: 30_000,
      TELEGRAM_PROXY: undefined,
    },
    cases: [
      ['TELEGRAM_CONNECT_TIMEOUT_MS', '500', 'must be at least 1000', '5000', 5000],
      ['TELEGRAM_REQUEST_TIMEOUT_MS', 'never', 'must be a whole number', '60000', 60000],
      [
        'TELEGRAM_PROXY',
        'socks5://u:pw@host',
        'TELEGRAM_PROXY needs a port',
        'socks5://u:pw@127.0.0.1:1080',
        'socks5://u:pw@127.0.0.1:1080',
      ],
    ],
  },
  () => {
    it('names what is wrong with TELEGRAM_PROXY without its password or secret', () => {
      const env = { TELEGRAM_PROXY: 'http://alice:hunter2@proxy:3128' };
      const problems = problemsOf(env, [telegramGroup]);
      expect(problems).toEqual([
        expect.stringMatching(/^TELEGRAM_PROXY has an unknown scheme "http"/),
      ]);
      expect(problems[0]).not.toContain('hunter2');
    });

    it('hides the password or MTProxy secret of a proxy, not its host', () => {
      expect(proxySecrets('socks5://alice:hunter2@proxy:1080')).toEqual(['hunter2']);
      expect(proxySecrets('socks5://proxy:1080')).toEqual([]);
      expect(proxySecrets('not a proxy')).toEqual([]);
    });
  },
);
