import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { daemonSettings } from '../commands/daemon.js';
import { fetchSettings } from '../commands/fetch.js';
import { sendSettings } from '../commands/send.js';
import { problemsOf } from '../testing/settings.js';
import { accountGroup } from './account.js';
import { secretValues } from './index.js';
import { loadSettings } from './load.js';
import { redisGroup } from './redis.js';
import { serviceGroup } from './service.js';
import { sessionGroup } from './session.js';

const read = (
  env: Record<string, string | undefined>,
  groups: Parameters<typeof loadSettings>[1],
) => {
  const result = loadSettings(env, groups);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.settings as Record<string, Record<string, unknown>>;
};

describe('loading settings', () => {
  it('lists every problem at once, missing Telegram variables included, never a value', () => {
    const problems = problemsOf(
      { FETCH_CONCURRENCY: 'abc', TGFETCH_TZ: 'Mars/Base', TELEGRAM_API_HASH: 'secret-ish' },
      daemonSettings,
    );
    expect(problems).toEqual([
      'TELEGRAM_API_ID is required to use Telegram (from https://my.telegram.org)',
      'TELEGRAM_API_HASH must be 32 hex characters',
      'TELEGRAM_SESSION is required to fetch from Telegram (make one with `tgfetch login`)',
      'TGFETCH_TZ must be an IANA time zone such as Europe/Moscow',
      'FETCH_CONCURRENCY must be a whole number',
    ]);
    expect(problems.join('\n')).not.toContain('secret-ish');
  });

  it('treats empty variables as unset', () => {
    expect(read({ FETCH_CONCURRENCY: '', LOG_LEVEL: '' }, [serviceGroup]).service).toMatchObject({
      FETCH_CONCURRENCY: 1,
      LOG_LEVEL: 'info',
    });
  });

  it('reads only the groups named, and those they bring in', () => {
    const settings = read({ TGFETCH_SOURCE: 'simulated' }, fetchSettings);
    expect(Object.keys(settings).sort()).toEqual(
      ['days', 'files', 'messages', 'run', 'shutdown', 'source', 'store', 'worker'].sort(),
    );
  });

  it('a one-shot fetch ignores bad Redis and daemon settings; send and the daemon do not', () => {
    const bad = {
      REDIS_URL: 'http://nope',
      LOG_LEVEL: 'loud',
      FETCH_CONCURRENCY: 'many',
      TGFETCH_SOURCE: 'simulated',
    };
    expect(loadSettings(bad, fetchSettings).ok).toBe(true);
    expect(problemsOf(bad, sendSettings)).toEqual([
      'REDIS_URL must start with redis:// or rediss://',
    ]);
    expect(problemsOf(bad, daemonSettings)).toEqual([
      'REDIS_URL must start with redis:// or rediss://',
      'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent',
      'FETCH_CONCURRENCY must be a whole number',
    ]);
  });

  it('gathers every secret of what it read, for the logs to hide', () => {
    const settings = read(
      {
        TELEGRAM_API_ID: '1',
        TELEGRAM_API_HASH: 'a'.repeat(32),
        TELEGRAM_PHONE: '+15551234567',
        TELEGRAM_SESSION: 'session-string',
        REDIS_URL: 'redis://:url-pw@cache:6379',
        REDIS_PASSWORD: 'parts-pw',
        REDIS_HOST: 'cache',
      },
      [accountGroup, sessionGroup, redisGroup],
    );
    expect(secretValues(settings).sort()).toEqual(
      ['a'.repeat(32), '+15551234567', 'session-string', 'url-pw', 'parts-pw'].sort(),
    );
  });
});

describe('secrets from files (*_FILE)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-secrets-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, content: string) => {
    const p = path.join(dir, name);
    await writeFile(p, content);
    return p;
  };

  it('reads each secret from the file its *_FILE names, without the trailing newline', async () => {
    const settings = read(
      {
        TELEGRAM_API_ID: '1',
        TELEGRAM_API_HASH_FILE: await file('hash', `${'a'.repeat(32)}\n`),
        TELEGRAM_PHONE_FILE: await file('phone', '+15551234567\n'),
        TELEGRAM_SESSION_FILE: await file('session', 'session-from-file\n'),
        TELEGRAM_PROXY_FILE: await file('proxy', 'socks5://u:proxy-pw@127.0.0.1:1080\n'),
        REDIS_PASSWORD_FILE: await file('pw', 'p@ss w/rd'),
        METRICS_TOKEN_FILE: await file('token', 'tok\n'),
        DATABASE_URL_FILE: await file('db', 'postgres://u:db-pw@db/tg\n'),
        TGFETCH_SOURCE: 'telegram',
        STORE: 'postgres',
      },
      daemonSettings,
    );
    expect(settings.account).toMatchObject({
      TELEGRAM_API_HASH: 'a'.repeat(32),
      TELEGRAM_PHONE: '+15551234567',
    });
    expect(settings.session?.TELEGRAM_SESSION).toBe('session-from-file');
    expect(settings.telegram?.TELEGRAM_PROXY).toBe('socks5://u:proxy-pw@127.0.0.1:1080');
    expect(settings.service?.METRICS_TOKEN).toBe('tok');
    expect(settings.database?.DATABASE_URL).toBe('postgres://u:db-pw@db/tg');
    expect(settings.redis?.url).toBe(`redis://:${encodeURIComponent('p@ss w/rd')}@127.0.0.1:6379`);
    expect(secretValues(settings)).toEqual(expect.arrayContaining(['proxy-pw', 'db-pw', 'tok']));
    const urlFile = await file('url', 'redis://:pw@10.0.0.1:6380/2\n');
    expect(read({ REDIS_URL_FILE: urlFile }, [redisGroup]).redis?.url).toBe(
      'redis://:pw@10.0.0.1:6380/2',
    );
  });

  it('names the variable and the file of a problem, never the content', async () => {
    const urlFile = await file('url', 'redis://:pw@10.0.0.1:6380/2\n');
    const problems = problemsOf(
      {
        REDIS_PASSWORD: 'x',
        REDIS_PASSWORD_FILE: urlFile,
        REDIS_URL_FILE: await file('empty', '\n'),
        TELEGRAM_SESSION_FILE: path.join(dir, 'missing'),
      },
      [redisGroup, sessionGroup],
    );
    expect(problems).toEqual([
      `REDIS_URL_FILE: ${path.join(dir, 'empty')} is empty`,
      'set REDIS_PASSWORD or REDIS_PASSWORD_FILE, not both',
      expect.stringMatching(/^TELEGRAM_SESSION_FILE: cannot read .*missing \(ENOENT\)$/),
    ]);
    expect(problems.join('\n')).not.toContain('10.0.0.1');
  });

  it('keeps every secret read out of every problem, a file name included', () => {
    const problems = problemsOf(
      {
        TELEGRAM_API_ID: '1',
        TELEGRAM_API_HASH: 'not-hex-hunter2',
        TELEGRAM_SESSION_FILE: path.join(dir, 'not-hex-hunter2'),
      },
      [accountGroup, sessionGroup],
    );
    expect(problems).toEqual([
      'TELEGRAM_API_HASH must be 32 hex characters',
      `TELEGRAM_SESSION_FILE: cannot read ${path.join(dir, '[redacted]')} (ENOENT)`,
    ]);
  });
});
