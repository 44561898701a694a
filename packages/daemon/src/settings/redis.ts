import { defineGroup, setting, type VariableValues } from './group.js';
import { passwordOf } from './redact.js';
import { int, matching, text } from './schemas.js';

const variables = {
  REDIS_URL: setting({
    schema: matching(/^rediss?:\/\//, 'must start with redis:// or rediss://'),
    secret: (url) => [passwordOf(url)],
    shown: 'built from `REDIS_HOST`/`REDIS_PORT`/`REDIS_PASSWORD`',
    doc: '`redis://` or `rediss://` for TLS',
  }),
  REDIS_HOST: setting({
    schema: text(),
    default: '127.0.0.1',
    doc: 'used when `REDIS_URL` is unset',
  }),
  REDIS_PORT: setting({
    schema: int(1, 65535),
    default: '6379',
    doc: 'used when `REDIS_URL` is unset',
  }),
  REDIS_PASSWORD: setting({
    schema: text(),
    secret: true,
    doc: 'used when `REDIS_URL` is unset',
  }),
  REDIS_MAX_OUTAGE_MS: setting({
    schema: int(1000, 86_400_000),
    default: '60000',
    doc: 'Redis unreachable this long: the daemon exits 3 for its supervisor',
  }),
  REDIS_REPLY_TIMEOUT_MS: setting({
    schema: int(100, 60_000),
    default: '2000',
    doc: 'deadline of the Redis health probe (a PING each second) and of acking or releasing a command: a Redis that stays silent (frozen) counts as an outage',
  }),
};

/** Where Redis is and how long it may be gone. */
export const redisGroup = defineGroup({
  name: 'redis',
  title: 'Redis',
  summary: 'Where Redis is, and how long it may be gone or silent.',
  variables,
  derive: (values) => ({ url: redisUrl(values) }),
});

/** REDIS_URL, else the URL of REDIS_HOST, REDIS_PORT and REDIS_PASSWORD. */
function redisUrl(e: VariableValues<typeof variables>): string {
  if (e.REDIS_URL) return e.REDIS_URL;
  const auth = e.REDIS_PASSWORD ? `:${encodeURIComponent(e.REDIS_PASSWORD)}@` : '';
  const host = e.REDIS_HOST.includes(':') ? `[${e.REDIS_HOST}]` : e.REDIS_HOST;
  return `redis://${auth}${host}:${e.REDIS_PORT}`;
}
