import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { type Config, loadConfig, type Needs, proxySecrets, redactUrl } from './config.js';

const ok = (env: Record<string, string | undefined>, needs?: Needs): Config => {
  const result = loadConfig(env, needs);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
};
const problems = (env: Record<string, string | undefined>, needs?: Needs): string[] => {
  const result = loadConfig(env, needs);
  if (result.ok) throw new Error('expected configuration errors');
  return result.errors;
};

describe('loadConfig defaults', () => {
  it('runs on an empty environment with documented defaults', () => {
    const config = ok({});
    expect(config).toMatchObject({
      TGFETCH_SOURCE: 'telegram',
      DATA_DIR: './data',
      DATA_FORMAT: 'json',
      TGFETCH_TZ: 'UTC',
      LOG_LEVEL: 'info',
      FETCH_CONCURRENCY: 1,
      FETCH_STRATEGY: 'batch',
      QUEUE_NAME: 'tg_commands',
      QUEUE_MODE: 'list',
      MAX_DELIVERIES: 5,
      EVENTS_CHANNEL: 'tg_events',
      EVENTS_STREAM: 'tg_events:stream',
      EVENTS_STREAM_MAXLEN: 10_000,
      LEGACY_EVENTS: false,
      TELEGRAM_TAKEOUT: false,
      TELEGRAM_PEER_TTL_SEC: 86_400,
      MAX_FLOOD_WAIT_SEC: 300,
      RETRY_MAX_ATTEMPTS: 5,
      SHUTDOWN_GRACE_MS: 30_000,
      REDIS_MAX_OUTAGE_MS: 60_000,
      METRICS_PORT: 0,
      METRICS_HOST: '127.0.0.1',
      MAX_COMMAND_DAYS: 366,
      MAX_QUEUE_LENGTH: 10_000,
      CHAT_LOCK_TTL_MS: 30_000,
      TELEGRAM_CONNECT_TIMEOUT_MS: 15_000,
      TELEGRAM_REQUEST_TIMEOUT_MS: 30_000,
      redisUrl: 'redis://127.0.0.1:6379',
      workerId: hostname(),
    });
  });

  it('treats empty variables as unset', () => {
    expect(ok({ FETCH_CONCURRENCY: '', DATA_DIR: '' })).toMatchObject({
      FETCH_CONCURRENCY: 1,
      DATA_DIR: './data',
    });
  });
});

describe('loadConfig validation', () => {
  // [variable, a bad value, the message, a good value, what it parses to]
  const cases: Array<[string, string, string, string, unknown]> = [
    ['TELEGRAM_API_ID', '12x', 'TELEGRAM_API_ID must be a whole number', '123456', 123456],
    ['TELEGRAM_API_ID', '0', 'TELEGRAM_API_ID must be at least 1', '1', 1],
    [
      'TELEGRAM_API_HASH',
      'abc',
      'TELEGRAM_API_HASH must be 32 hex characters',
      'A'.repeat(32),
      'A'.repeat(32),
    ],
    ['TELEGRAM_TAKEOUT', 'maybe', 'TELEGRAM_TAKEOUT must be true or false', 'yes', true],
    ['REDIS_URL', 'http://x', 'REDIS_URL must start with redis://', 'rediss://h:1', 'rediss://h:1'],
    ['REDIS_PORT', '65536', 'REDIS_PORT must be at most 65535', '6380', 6380],
    ['REDIS_MAX_OUTAGE_MS', '999', 'REDIS_MAX_OUTAGE_MS must be at least 1000', '5000', 5000],
    ['DATA_FORMAT', 'csv', 'DATA_FORMAT must be json or jsonl', 'jsonl', 'jsonl'],
    [
      'TGFETCH_TZ',
      'Mars/Base',
      'TGFETCH_TZ must be an IANA time zone',
      'Europe/Moscow',
      'Europe/Moscow',
    ],
    [
      'TGFETCH_SOURCE',
      'carrier-pigeon',
      'TGFETCH_SOURCE must be telegram, simulated or export:<result.json>',
      'export:r.json',
      'export:r.json',
    ],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of', 'debug', 'debug'],
    ['FETCH_CONCURRENCY', 'abc', 'FETCH_CONCURRENCY must be a whole number', '4', 4],
    ['FETCH_CONCURRENCY', '65', 'FETCH_CONCURRENCY must be at most 64', '64', 64],
    ['FETCH_CONCURRENCY', '-1', 'FETCH_CONCURRENCY must be a whole number', '1', 1],
    ['FETCH_STRATEGY', 'auto', 'FETCH_STRATEGY must be batch or per_day', 'per_day', 'per_day'],
    ['WORKER_ID', 'has space', 'WORKER_ID must be 1-64 printable characters', 'w-1', 'w-1'],
    ['QUEUE_MODE', 'kafka', 'QUEUE_MODE must be list or stream', 'stream', 'stream'],
    ['MAX_DELIVERIES', '0', 'MAX_DELIVERIES must be at least 1', '3', 3],
    ['EVENTS_STREAM_MAXLEN', '1.5', 'EVENTS_STREAM_MAXLEN must be a whole number', '0', 0],
    ['LEGACY_EVENTS', '2', 'LEGACY_EVENTS must be true or false', 'on', true],
    ['MAX_FLOOD_WAIT_SEC', '86401', 'MAX_FLOOD_WAIT_SEC must be at most 86400', '60', 60],
    ['RETRY_MAX_ATTEMPTS', '101', 'RETRY_MAX_ATTEMPTS must be at most 100', '2', 2],
    ['SHUTDOWN_GRACE_MS', 'soon', 'SHUTDOWN_GRACE_MS must be a whole number', '0', 0],
    ['METRICS_PORT', '70000', 'METRICS_PORT must be at most 65535', '9464', 9464],
    ['CHAT_LOCK_TTL_MS', '10', 'CHAT_LOCK_TTL_MS must be at least 1000', '2000', 2000],
    [
      'TELEGRAM_CONNECT_TIMEOUT_MS',
      '500',
      'TELEGRAM_CONNECT_TIMEOUT_MS must be at least 1000',
      '5000',
      5000,
    ],
    [
      'TELEGRAM_REQUEST_TIMEOUT_MS',
      'never',
      'TELEGRAM_REQUEST_TIMEOUT_MS must be a whole number',
      '60000',
      60000,
    ],
    [
      'TELEGRAM_PROXY',
      'socks5://u:pw@host',
      'TELEGRAM_PROXY needs a port',
      'socks5://u:pw@127.0.0.1:1080',
      'socks5://u:pw@127.0.0.1:1080',
    ],
  ];

  it.each(cases)('%s: rejects %j, accepts the good value', (key, bad, message, good, parsed) => {
    const errors = problems({ [key]: bad });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
    // The value is never echoed: it may be a secret.
    expect(errors[0]).not.toContain(`"${bad}"`);
    expect(ok({ [key]: good })[key as keyof Config]).toEqual(parsed);
  });

  it('lists every problem at once, missing Telegram variables included', () => {
    const errors = problems(
      { FETCH_CONCURRENCY: 'abc', TGFETCH_TZ: 'Mars/Base', TELEGRAM_API_HASH: 'secret-ish' },
      { telegram: true, redis: true, service: true },
    );
    expect(errors).toEqual([
      expect.stringContaining('TELEGRAM_API_HASH must be 32 hex characters'),
      expect.stringContaining('TGFETCH_TZ must be an IANA time zone'),
      expect.stringContaining('FETCH_CONCURRENCY must be a whole number'),
      'TELEGRAM_API_ID is required to fetch from Telegram',
      'TELEGRAM_SESSION is required to fetch from Telegram (make one with `tgfetch login`)',
    ]);
    expect(errors.join('\n')).not.toContain('secret-ish');
  });

  it('names what is wrong with TELEGRAM_PROXY without its password or secret', () => {
    const errors = problems({ TELEGRAM_PROXY: 'http://alice:hunter2@proxy:3128' });
    expect(errors).toEqual([expect.stringMatching(/^TELEGRAM_PROXY has an unknown scheme "http"/)]);
    expect(errors[0]).not.toContain('hunter2');
    expect(proxySecrets('socks5://alice:hunter2@proxy:1080')).toEqual(['hunter2']);
  });

  it('asks for the Telegram credentials only when the source is Telegram', () => {
    expect(problems({}, { telegram: true })).toHaveLength(3);
    expect(ok({ TGFETCH_SOURCE: 'simulated' }, { telegram: true }).TGFETCH_SOURCE).toBe(
      'simulated',
    );
    const config = ok(
      { TELEGRAM_API_ID: '1', TELEGRAM_API_HASH: 'f'.repeat(32), TELEGRAM_SESSION: 's' },
      { telegram: true },
    );
    expect(config.TELEGRAM_SESSION).toBe('s');
  });
});

describe('Redis URL', () => {
  it('is built from REDIS_HOST, REDIS_PORT and REDIS_PASSWORD', () => {
    expect(ok({ REDIS_HOST: 'cache', REDIS_PORT: '6380' }).redisUrl).toBe('redis://cache:6380');
    expect(ok({ REDIS_HOST: '::1' }).redisUrl).toBe('redis://[::1]:6379');
    const url = ok({ REDIS_HOST: 'cache', REDIS_PASSWORD: 'p@ss:w/rd' }).redisUrl;
    expect(url).toBe('redis://:p%40ss%3Aw%2Frd@cache:6379');
    expect(decodeURIComponent(new URL(url).password)).toBe('p@ss:w/rd');
  });

  it('REDIS_URL wins over the parts', () => {
    expect(ok({ REDIS_URL: 'rediss://u:p@h:7', REDIS_HOST: 'other' }).redisUrl).toBe(
      'rediss://u:p@h:7',
    );
  });

  it('is redacted for logs', () => {
    expect(redactUrl('redis://:hunter2@cache:6379/0')).toBe('redis://:***@cache:6379/0');
    expect(redactUrl('rediss://user:hunter2@cache:6379')).toBe('rediss://user:***@cache:6379');
    expect(redactUrl('redis://cache:6379')).toBe('redis://cache:6379');
    expect(redactUrl('not a url hunter2')).toBe('<invalid url>');
  });
});

describe('only what a command uses is checked', () => {
  const bad = { REDIS_URL: 'http://nope', LOG_LEVEL: 'loud', FETCH_CONCURRENCY: 'many' };

  it('a one-shot fetch ignores bad Redis and daemon settings; their defaults stand in', () => {
    const config = ok({ ...bad, TGFETCH_SOURCE: 'simulated' }, { telegram: true });
    expect(config).toMatchObject({ LOG_LEVEL: 'info', FETCH_CONCURRENCY: 1 });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('send and listen check Redis, the daemon checks everything', () => {
    expect(problems(bad, { redis: true })).toEqual([
      'REDIS_URL must start with redis:// or rediss://',
    ]);
    expect(
      problems(
        { ...bad, TGFETCH_SOURCE: 'simulated' },
        { telegram: true, redis: true, service: true },
      ),
    ).toEqual([
      'REDIS_URL must start with redis:// or rediss://',
      'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent',
      'FETCH_CONCURRENCY must be a whole number',
    ]);
  });

  it('what a fetch uses is still checked', () => {
    expect(
      problems(
        { ...bad, TGFETCH_TZ: 'Mars/Base', TGFETCH_SOURCE: 'simulated' },
        { telegram: true },
      ),
    ).toEqual(['TGFETCH_TZ must be an IANA time zone such as Europe/Moscow']);
  });

  it('the database settings count for migrate and persist, and for a store set to postgres', () => {
    const env = { DATABASE_URL: 'mysql://x', TGFETCH_SOURCE: 'simulated' };
    expect(loadConfig(env, { redis: true }).ok).toBe(true);
    expect(loadConfig(env, { telegram: true, store: true }).ok).toBe(true);
    const message = 'DATABASE_URL must start with postgres:// or postgresql://';
    expect(problems(env, { database: true })).toEqual([message]);
    expect(problems({ ...env, STORE: 'postgres' }, { telegram: true, store: true })).toEqual([
      message,
    ]);
  });

  it('a store appending to MESSAGES_STREAM checks the Redis settings', () => {
    const env = { ...bad, TGFETCH_SOURCE: 'simulated', MESSAGES_STREAM: 'tg_messages' };
    expect(problems(env, { telegram: true, store: true })).toEqual([
      'REDIS_URL must start with redis:// or rediss://',
    ]);
  });
});

describe('secrets from files (*_FILE)', () => {
  it('reads every secret from the file its *_FILE names, without the trailing newline', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-secrets-'));
    try {
      const file = async (name: string, content: string) => {
        const p = path.join(dir, name);
        await writeFile(p, content);
        return p;
      };
      const config = ok(
        {
          TELEGRAM_API_ID: '1',
          TELEGRAM_API_HASH_FILE: await file('hash', `${'a'.repeat(32)}\n`),
          TELEGRAM_SESSION_FILE: await file('session', 'session-from-file\n'),
          REDIS_PASSWORD_FILE: await file('pw', 'p@ss w/rd'),
          METRICS_TOKEN_FILE: await file('token', 'tok\n'),
        },
        { telegram: true, redis: true, service: true },
      );
      expect(config.TELEGRAM_API_HASH).toBe('a'.repeat(32));
      expect(config.TELEGRAM_SESSION).toBe('session-from-file');
      expect(config.METRICS_TOKEN).toBe('tok');
      expect(config.redisUrl).toBe(`redis://:${encodeURIComponent('p@ss w/rd')}@127.0.0.1:6379`);
      const urlFile = await file('url', 'redis://:pw@10.0.0.1:6380/2\n');
      expect(ok({ REDIS_URL_FILE: urlFile }).redisUrl).toBe('redis://:pw@10.0.0.1:6380/2');
      const errors = problems({
        REDIS_PASSWORD: 'x',
        REDIS_PASSWORD_FILE: urlFile,
        TELEGRAM_SESSION_FILE: path.join(dir, 'missing'),
      });
      expect(errors).toContain('set REDIS_PASSWORD or REDIS_PASSWORD_FILE, not both');
      expect(errors.join('\n')).toMatch(/TELEGRAM_SESSION_FILE: cannot read .*missing \(ENOENT\)/);
      expect(errors.join('\n')).not.toContain('10.0.0.1');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
