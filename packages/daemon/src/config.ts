import { hostname } from 'node:os';
import { isTimeZone } from '@tgfetch/core';
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

export const EnvSchema = v.object({
  TELEGRAM_API_ID: v.optional(int('TELEGRAM_API_ID', 1, 2 ** 31 - 1)),
  TELEGRAM_API_HASH: v.optional(
    v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/i, 'TELEGRAM_API_HASH must be 32 hex characters')),
  ),
  TELEGRAM_PHONE: v.optional(v.string()),
  TELEGRAM_SESSION: v.optional(v.string()),
  TELEGRAM_TAKEOUT: optional(bool('TELEGRAM_TAKEOUT'), 'false'),
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
  METRICS_HOST: optional(v.string(), '0.0.0.0'),
  /** How long a dead worker's chat lock blocks others (it is renewed while the worker lives). */
  CHAT_LOCK_TTL_MS: optional(int('CHAT_LOCK_TTL_MS', 1000, 3_600_000), '30000'),
  /**
   * Test-only: JSON options of the simulated Telegram (`createSimulatedSource` from
   * `@tgfetch/telegram/testing`: seed, now, historyDays, rateLimit, faults, latencyMs, ...),
   * so the chaos suite can inject flood waits, timeouts and revoked sessions into a daemon.
   */
  TGFETCH_SIM: v.optional(
    v.pipe(
      v.string(),
      v.check(isJsonObject, 'TGFETCH_SIM must be a JSON object'),
      v.transform((s) => JSON.parse(s) as Record<string, unknown>),
    ),
  ),
  /** How long a silent worker keeps its commands before others take them back (list queue). */
  QUEUE_VISIBILITY_MS: optional(int('QUEUE_VISIBILITY_MS', 300, 3_600_000), '30000'),
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
 * those only a long-running daemon reads (logs, concurrency, metrics, shutdown).
 */
export type Needs = { telegram?: boolean; redis?: boolean; service?: boolean };

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
];
/** Settings read only by the daemon. */
const SERVICE_SETTINGS: readonly (keyof Env)[] = [
  'LOG_LEVEL',
  'LOG_FORMAT',
  'FETCH_CONCURRENCY',
  'METRICS_PORT',
  'METRICS_HOST',
  'SHUTDOWN_GRACE_MS',
];

/**
 * Checks the environment. Without `needs` every setting is checked; with it, settings of a
 * group the command does not use are not (a bad `REDIS_URL` in `.env` must not stop a
 * one-shot fetch): their defaults stand in, so the config stays whole.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  needs: Needs = { redis: true, service: true },
): ConfigResult {
  const unused = new Set<string>([
    ...(needs.redis ? [] : REDIS_SETTINGS),
    ...(needs.service ? [] : SERVICE_SETTINGS),
  ]);
  // Empty variables count as unset: `FOO=` in a .env file means "no value".
  const present = Object.fromEntries(
    Object.entries(env).filter(
      ([key, value]) => value !== undefined && value !== '' && !unused.has(key),
    ),
  );
  const parsed = v.safeParse(EnvSchema, present, { abortEarly: false });
  const errors = parsed.success ? [] : parsed.issues.map((i) => describeIssue(i));
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

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
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
