import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isTimeZone, parseChat } from '@tgfetch/core';
import { parseProxy } from '@tgfetch/telegram/proxy';
import * as v from 'valibot';

/**
 * The daemon's configuration, from the environment (and `.env`). Everything is checked at
 * start and every problem is reported at once, so a misconfigured deployment fails with one
 * clear message instead of the first of several crashes.
 */

const int = (name: string, min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `${name} must be a whole number`),
    v.transform(Number),
    v.minValue(min, `${name} must be at least ${min}`),
    v.maxValue(max, `${name} must be at most ${max}`),
  );

const bool = (name: string) =>
  v.pipe(
    v.picklist(
      ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'],
      `${name} must be true or false`,
    ),
    v.transform((s) => ['1', 'true', 'yes', 'on'].includes(s)),
  );

const optional = <T extends v.GenericSchema<string, unknown>>(schema: T, fallback: string) =>
  v.optional(schema, fallback);

/** The stores STORE may name; each has its adapter in compose/stores.ts. */
export const STORE_KINDS = ['fs', 'postgres'] as const;

export const EnvSchema = v.object({
  TELEGRAM_API_ID: v.optional(int('TELEGRAM_API_ID', 1, 2 ** 31 - 1)),
  TELEGRAM_API_HASH: v.optional(
    v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/i, 'TELEGRAM_API_HASH must be 32 hex characters')),
  ),
  TELEGRAM_PHONE: v.optional(v.string()),
  TELEGRAM_SESSION: v.optional(v.string()),
  TELEGRAM_TAKEOUT: optional(bool('TELEGRAM_TAKEOUT'), 'false'),
  /** How long connecting to Telegram may take, gramjs' retries included. */
  TELEGRAM_CONNECT_TIMEOUT_MS: optional(int('TELEGRAM_CONNECT_TIMEOUT_MS', 1000, 600_000), '15000'),
  /** How long one request to Telegram may take. */
  TELEGRAM_REQUEST_TIMEOUT_MS: optional(int('TELEGRAM_REQUEST_TIMEOUT_MS', 1000, 600_000), '30000'),
  /** socks5://[user:pass@]host:port, socks4://host:port or an MTProxy link (may hold a secret). */
  TELEGRAM_PROXY: v.optional(v.pipe(v.string(), v.check(isProxy, proxyProblem))),
  /** Folder of the per-account peer caches; `off` keeps them in memory. @default <DATA_DIR>/.peers */
  TELEGRAM_PEER_CACHE_DIR: v.optional(
    v.pipe(v.string(), v.minLength(1, 'TELEGRAM_PEER_CACHE_DIR must not be empty')),
  ),
  TELEGRAM_PEER_TTL_SEC: optional(int('TELEGRAM_PEER_TTL_SEC', 1, 30 * 86_400), '86400'),
  REDIS_URL: v.optional(
    v.pipe(v.string(), v.regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://')),
  ),
  REDIS_HOST: optional(v.string(), '127.0.0.1'),
  REDIS_PORT: optional(int('REDIS_PORT', 1, 65535), '6379'),
  REDIS_PASSWORD: v.optional(v.string()),
  REDIS_MAX_OUTAGE_MS: optional(int('REDIS_MAX_OUTAGE_MS', 1000, 86_400_000), '60000'),
  DATA_DIR: optional(v.pipe(v.string(), v.minLength(1, 'DATA_DIR must not be empty')), './data'),
  DATA_FORMAT: optional(v.picklist(['json', 'jsonl'], 'DATA_FORMAT must be json or jsonl'), 'json'),
  TGFETCH_TZ: optional(
    v.pipe(
      v.string(),
      v.check(isTimeZone, 'TGFETCH_TZ must be an IANA time zone such as Europe/Moscow'),
    ),
    'UTC',
  ),
  TGFETCH_SOURCE: optional(
    v.pipe(
      v.string(),
      v.regex(
        /^(telegram|simulated|export:.+)$/,
        'TGFETCH_SOURCE must be telegram, simulated or export:<result.json>',
      ),
    ),
    'telegram',
  ),
  LOG_LEVEL: optional(
    v.picklist(
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
      'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent',
    ),
    'info',
  ),
  /** `pretty`: readable lines; `json`: pino's JSON; `auto`: pretty on a terminal. */
  LOG_FORMAT: optional(
    v.picklist(['auto', 'pretty', 'json'], 'LOG_FORMAT must be auto, pretty or json'),
    'auto',
  ),
  FETCH_CONCURRENCY: optional(int('FETCH_CONCURRENCY', 1, 64), '1'),
  FETCH_STRATEGY: optional(
    v.picklist(['batch', 'per_day'], 'FETCH_STRATEGY must be batch or per_day'),
    'batch',
  ),
  /** Commands that do not say also store the comments of a channel's posts. */
  FETCH_COMMENTS: optional(bool('FETCH_COMMENTS'), 'false'),
  WORKER_ID: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[\x21-\x7e]{1,64}$/, 'WORKER_ID must be 1-64 printable characters without spaces'),
    ),
  ),
  QUEUE_NAME: optional(v.string(), 'tg_commands'),
  QUEUE_MODE: optional(v.picklist(['list', 'stream'], 'QUEUE_MODE must be list or stream'), 'list'),
  MAX_DELIVERIES: optional(int('MAX_DELIVERIES', 1, 1000), '5'),
  EVENTS_CHANNEL: optional(v.string(), 'tg_events'),
  EVENTS_STREAM: optional(v.string(), 'tg_events:stream'),
  EVENTS_STREAM_MAXLEN: optional(int('EVENTS_STREAM_MAXLEN', 0, 100_000_000), '10000'),
  LEGACY_EVENTS: optional(bool('LEGACY_EVENTS'), 'false'),
  MAX_FLOOD_WAIT_SEC: optional(int('MAX_FLOOD_WAIT_SEC', 0, 86_400), '300'),
  RETRY_MAX_ATTEMPTS: optional(int('RETRY_MAX_ATTEMPTS', 1, 100), '5'),
  SHUTDOWN_GRACE_MS: optional(int('SHUTDOWN_GRACE_MS', 0, 3_600_000), '30000'),
  METRICS_PORT: optional(int('METRICS_PORT', 0, 65535), '0'),
  /** Loopback by default: the metrics server is no one else's business unless told so. */
  METRICS_HOST: optional(v.string(), '127.0.0.1'),
  /** When set, `/metrics` wants `Authorization: Bearer <token>`. */
  METRICS_TOKEN: v.optional(v.string()),
  /** Days one command may cover; `send` and the producer client refuse more. */
  MAX_COMMAND_DAYS: optional(int('MAX_COMMAND_DAYS', 1, 36_600), '366'),
  /** Commands the queue may hold; `send` and the producer client refuse to push past it. */
  MAX_QUEUE_LENGTH: optional(int('MAX_QUEUE_LENGTH', 1, 100_000_000), '10000'),
  /** Deadline of a Redis health probe and of settling a command: slower counts as an outage. */
  REDIS_REPLY_TIMEOUT_MS: optional(int('REDIS_REPLY_TIMEOUT_MS', 100, 60_000), '2000'),
  /** How long a dead worker's chat lock blocks others (it is renewed while the worker lives). */
  CHAT_LOCK_TTL_MS: optional(int('CHAT_LOCK_TTL_MS', 1000, 3_600_000), '30000'),
  /** How long a silent worker keeps its commands before others take them back (list queue). */
  QUEUE_VISIBILITY_MS: optional(int('QUEUE_VISIBILITY_MS', 300, 3_600_000), '30000'),
  /** Where days go: files in DATA_DIR, or PostgreSQL (DATABASE_URL and PG* variables). */
  STORE: optional(v.picklist(STORE_KINDS, `STORE must be ${STORE_KINDS.join(' or ')}`), 'fs'),
  DATABASE_URL: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://'),
    ),
  ),
  DATABASE_SCHEMA: optional(
    v.pipe(
      v.string(),
      v.regex(
        /^[a-z_][a-z0-9_]{0,62}$/,
        'DATABASE_SCHEMA must be a lower-case identifier (letters, digits, _; at most 63)',
      ),
    ),
    'tgfetch',
  ),
  DATABASE_POOL_SIZE: optional(int('DATABASE_POOL_SIZE', 1, 1000), '10'),
  /** Off when unset: the Redis stream each stored day's messages are appended to. */
  MESSAGES_STREAM: v.optional(v.string()),
  MESSAGES_STREAM_MAXLEN: optional(int('MESSAGES_STREAM_MAXLEN', 1, 1_000_000_000), '1000000'),
  PERSIST_GROUP: optional(v.string(), 'post_persist_workers'),
  PERSIST_BATCH_SIZE: optional(int('PERSIST_BATCH_SIZE', 1, 10_000), '100'),
  /** Entries a persist worker left pending this long (it died) are taken over by another. */
  PERSIST_CLAIM_IDLE_MS: optional(int('PERSIST_CLAIM_IDLE_MS', 1000, 3_600_000), '60000'),
  /** Where `tgfetch console` listens: loopback unless told otherwise. */
  CONSOLE_HOST: optional(v.string(), '127.0.0.1'),
  CONSOLE_PORT: optional(int('CONSOLE_PORT', 0, 65535), '8790'),
  /** Required for anything that changes state, and for everything beyond loopback. */
  CONSOLE_TOKEN: v.optional(v.string()),
  /** Chats the daemon adds to its account's follow set at start (comma-separated). */
  FOLLOW_CHATS: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (s) => s.split(',').every((c) => c.trim() === '' || parseChat(c.trim()).ok),
        'FOLLOW_CHATS must be chats separated by commas: @name, name, https://t.me/name or a numeric id',
      ),
    ),
  ),
  /** Longest time between two difference calls of a followed chat Telegram does not push for. */
  FOLLOW_POLL_MS: optional(int('FOLLOW_POLL_MS', 1000, 3_600_000), '30000'),
  /** Lifetime of an account's follow lease: a dead follower's chats move on within about 1.5× it. */
  FOLLOW_LEASE_TTL_MS: optional(int('FOLLOW_LEASE_TTL_MS', 1000, 600_000), '15000'),
});

export type Env = v.InferOutput<typeof EnvSchema>;

export interface Config extends Env {
  redisUrl: string;
  workerId: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/**
 * What a command uses beyond the common settings: `telegram` requires the account settings
 * (for the telegram source), `redis` checks the Redis, queue and event settings, `service`
 * those only a long-running process reads (logs, concurrency, metrics, shutdown), `store`
 * STORE (and the database settings when it is postgres), `database` the database settings.
 */
export type Needs = {
  telegram?: boolean;
  redis?: boolean;
  service?: boolean;
  store?: boolean;
  database?: boolean;
};

/** Settings read only with Redis. */
const REDIS_SETTINGS: readonly (keyof Env)[] = [
  'REDIS_URL',
  'REDIS_HOST',
  'REDIS_PORT',
  'REDIS_PASSWORD',
  'REDIS_MAX_OUTAGE_MS',
  'QUEUE_NAME',
  'QUEUE_MODE',
  'MAX_DELIVERIES',
  'EVENTS_CHANNEL',
  'EVENTS_STREAM',
  'EVENTS_STREAM_MAXLEN',
  'LEGACY_EVENTS',
  'CHAT_LOCK_TTL_MS',
  'QUEUE_VISIBILITY_MS',
  'MAX_COMMAND_DAYS',
  'MAX_QUEUE_LENGTH',
  'REDIS_REPLY_TIMEOUT_MS',
  'MESSAGES_STREAM',
  'MESSAGES_STREAM_MAXLEN',
  'FOLLOW_CHATS',
  'FOLLOW_LEASE_TTL_MS',
];
/** Settings read only by the daemon. */
const SERVICE_SETTINGS: readonly (keyof Env)[] = [
  'LOG_LEVEL',
  'LOG_FORMAT',
  'FETCH_CONCURRENCY',
  'METRICS_PORT',
  'METRICS_HOST',
  'METRICS_TOKEN',
  'SHUTDOWN_GRACE_MS',
];
/** Settings read only with PostgreSQL (`migrate`, `persist`, STORE=postgres). */
const DATABASE_SETTINGS: readonly (keyof Env)[] = [
  'DATABASE_URL',
  'DATABASE_SCHEMA',
  'DATABASE_POOL_SIZE',
  'PERSIST_GROUP',
  'PERSIST_BATCH_SIZE',
  'PERSIST_CLAIM_IDLE_MS',
];

/** Secrets that may also come from a file named by `<NAME>_FILE` (Docker and Kubernetes secrets). */
export const FILE_SECRETS = [
  'TELEGRAM_SESSION',
  'TELEGRAM_API_HASH',
  'TELEGRAM_PHONE',
  'REDIS_URL',
  'REDIS_PASSWORD',
  'METRICS_TOKEN',
  'DATABASE_URL',
  'CONSOLE_TOKEN',
] as const;

/**
 * Checks the environment. Without `needs` every setting is checked; with it, settings of a
 * group the command does not use are not (a bad `REDIS_URL` in `.env` must not stop a
 * one-shot fetch): their defaults stand in, so the config stays whole. The database group
 * is checked for `database`, and for `store` when STORE is postgres.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  needs: Needs = { redis: true, service: true, store: true, database: true },
): ConfigResult {
  const database = needs.database || (needs.store && env.STORE === 'postgres');
  // A store appending to MESSAGES_STREAM talks to Redis, so Redis settings count then.
  const redis = needs.redis || (needs.store && Boolean(env.MESSAGES_STREAM));
  const groups = [
    ...(redis ? [] : REDIS_SETTINGS),
    ...(needs.service ? [] : SERVICE_SETTINGS),
    ...(needs.store ? [] : ['STORE' as const]),
    ...(database ? [] : DATABASE_SETTINGS),
  ];
  // A secret's `<NAME>_FILE` goes with its setting.
  const unused = new Set<string>([...groups, ...groups.map((name) => `${name}_FILE`)]);
  // Empty variables count as unset: `FOO=` in a .env file means "no value".
  const present = Object.fromEntries(
    Object.entries(env).filter(
      ([key, value]) => value !== undefined && value !== '' && !unused.has(key),
    ),
  );
  const fileErrors = readSecretFiles(present);
  const parsed = v.safeParse(EnvSchema, present, { abortEarly: false });
  const errors = [
    ...fileErrors,
    ...(parsed.success ? [] : parsed.issues.map((i) => describeIssue(i))),
  ];
  // Checked on the raw values too, so that one message lists these with the bad ones.
  const source = present.TGFETCH_SOURCE ?? 'telegram';
  if (needs.telegram && source === 'telegram') {
    for (const key of ['TELEGRAM_API_ID', 'TELEGRAM_API_HASH', 'TELEGRAM_SESSION'] as const) {
      if (present[key] === undefined)
        errors.push(
          `${key} is required to fetch from Telegram${key === 'TELEGRAM_SESSION' ? ' (make one with `tgfetch login`)' : ''}`,
        );
    }
  }
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  const e = parsed.output;
  return { ok: true, config: { ...e, redisUrl: redisUrl(e), workerId: e.WORKER_ID ?? hostname() } };
}

/**
 * `<NAME>_FILE` → `<NAME>` for every secret, read in place (one trailing newline dropped, as
 * `echo secret > file` leaves one). Problems name the variable and file, never the content.
 */
function readSecretFiles(present: Record<string, string | undefined>): string[] {
  const errors: string[] = [];
  for (const name of FILE_SECRETS) {
    const file = present[`${name}_FILE`];
    if (file === undefined) continue;
    if (present[name] !== undefined) {
      errors.push(`set ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      const value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      if (value === '') errors.push(`${name}_FILE: ${file} is empty`);
      else present[name] = value;
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      errors.push(`${name}_FILE: cannot read ${file} (${code})`);
    }
  }
  return errors;
}

function redisUrl(e: Env): string {
  if (e.REDIS_URL) return e.REDIS_URL;
  const auth = e.REDIS_PASSWORD ? `:${encodeURIComponent(e.REDIS_PASSWORD)}@` : '';
  const host = e.REDIS_HOST.includes(':') ? `[${e.REDIS_HOST}]` : e.REDIS_HOST;
  return `redis://${auth}${host}:${e.REDIS_PORT}`;
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const key = issue.path?.[0]?.key;
  // The message names the variable already; never echo the value (it may be a secret).
  return typeof key === 'string' && !issue.message.includes(key)
    ? `${key}: ${issue.message}`
    : issue.message;
}

/** A Redis URL fit for logs: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

function isProxy(url: string): boolean {
  try {
    parseProxy(url);
    return true;
  } catch {
    return false;
  }
}

/** What is wrong with TELEGRAM_PROXY, in parseProxy's words (which never repeat a secret). */
function proxyProblem(issue: v.CheckIssue<string>): string {
  try {
    parseProxy(issue.input);
  } catch (error) {
    return (error as Error).message;
  }
  return 'TELEGRAM_PROXY is not valid';
}

/** Every secret value of a configuration: what a service's logs must never show. */
export function configSecrets(config: Config): (string | undefined)[] {
  return [
    config.TELEGRAM_SESSION,
    config.TELEGRAM_API_HASH,
    config.REDIS_PASSWORD,
    config.METRICS_TOKEN,
    config.CONSOLE_TOKEN,
    passwordOf(config.redisUrl),
    ...proxySecrets(config.TELEGRAM_PROXY),
    passwordOf(config.DATABASE_URL),
  ];
}

/** The password or MTProxy secret in TELEGRAM_PROXY, for the logger to redact. */
export function proxySecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const proxy = parseProxy(url);
    return [
      'secret' in proxy ? proxy.secret : undefined,
      'password' in proxy ? proxy.password : undefined,
    ].filter((s): s is string => Boolean(s));
  } catch {
    return [];
  }
}

/** The password of a URL (Redis, PostgreSQL), to keep out of logs; undefined when none. */
export function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
