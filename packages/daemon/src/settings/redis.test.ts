import { expect, it } from 'vitest';
import { describeGroup, valuesOf } from '../testing/settings.js';
import { redactUrl } from './redact.js';
import { redisGroup } from './redis.js';

describeGroup(
  redisGroup,
  {
    defaults: {
      REDIS_URL: undefined,
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: 6379,
      REDIS_PASSWORD: undefined,
      REDIS_MAX_OUTAGE_MS: 60_000,
      REDIS_REPLY_TIMEOUT_MS: 2000,
      url: 'redis://127.0.0.1:6379',
    },
    cases: [
      [
        'REDIS_URL',
        'http://x',
        'REDIS_URL must start with redis://',
        'rediss://h:1',
        'rediss://h:1',
      ],
      ['REDIS_PORT', '65536', 'REDIS_PORT must be at most 65535', '6380', 6380],
      ['REDIS_MAX_OUTAGE_MS', '999', 'REDIS_MAX_OUTAGE_MS must be at least 1000', '5000', 5000],
      ['REDIS_REPLY_TIMEOUT_MS', '99', 'REDIS_REPLY_TIMEOUT_MS must be at least 100', '500', 500],
    ],
  },
  () => {
    const url = (env: Record<string, string>) => valuesOf(redisGroup, env).url;

    it('builds the URL from REDIS_HOST, REDIS_PORT and REDIS_PASSWORD', () => {
      expect(url({ REDIS_HOST: 'cache', REDIS_PORT: '6380' })).toBe('redis://cache:6380');
      expect(url({ REDIS_HOST: '::1' })).toBe('redis://[::1]:6379');
      const built = url({ REDIS_HOST: 'cache', REDIS_PASSWORD: 'p@ss:w/rd' });
      expect(built).toBe('redis://:p%40ss%3Aw%2Frd@cache:6379');
      expect(decodeURIComponent(new URL(built).password)).toBe('p@ss:w/rd');
    });

    it('takes REDIS_URL over the parts', () => {
      expect(url({ REDIS_URL: 'rediss://u:p@h:7', REDIS_HOST: 'other' })).toBe('rediss://u:p@h:7');
    });

    it('redacts a URL for logs', () => {
      expect(redactUrl('redis://:hunter2@cache:6379/0')).toBe('redis://:***@cache:6379/0');
      expect(redactUrl('rediss://user:hunter2@cache:6379')).toBe('rediss://user:***@cache:6379');
      expect(redactUrl('redis://cache:6379')).toBe('redis://cache:6379');
      expect(redactUrl('not a url hunter2')).toBe('<invalid url>');
    });
  },
);
