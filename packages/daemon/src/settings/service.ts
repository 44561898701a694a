import * as v from 'valibot';
import { defineGroup, setting } from './group.js';
import { int, oneOf, text } from './schemas.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** What only a long-running process reads: its logs, its concurrency, its metrics server. */
export const serviceGroup = defineGroup({
  name: 'service',
  title: 'Service',
  summary:
    'What a long-running process reads: its logs, how much it runs at once, its metrics server.',
  variables: {
    LOG_LEVEL: setting({
      schema: v.picklist(LEVELS, `must be one of ${LEVELS.join(', ')}`),
      default: 'info',
      doc: 'pino level; logs are JSON on stdout',
    }),
    LOG_FORMAT: setting({
      schema: oneOf(['auto', 'pretty', 'json']),
      default: 'auto',
      doc: 'daemon logs: `pretty` (readable lines), `json`, or `auto` (pretty on a terminal, JSON otherwise)',
    }),
    FETCH_CONCURRENCY: setting({
      schema: int(1, 64),
      default: '1',
      doc: 'commands run at once (never two on one chat)',
    }),
    METRICS_PORT: setting({
      schema: int(0, 65535),
      default: '0',
      shown: '`0` (off)',
      doc: 'Prometheus `/metrics` and `/healthz`',
    }),
    METRICS_HOST: setting({
      schema: text(),
      default: '127.0.0.1',
      doc: 'where the metrics server listens: loopback unless this widens it',
    }),
    METRICS_TOKEN: setting({
      schema: text(),
      secret: true,
      doc: 'when set, `/metrics` wants `Authorization: Bearer <token>` (`/healthz` stays open; it tells nothing secret)',
    }),
  },
});
