import pino, { type Logger } from 'pino';
import { exitCodeFor } from '../cli/exit-codes.js';
import { SECRET_NAMES } from '../settings/index.js';
import { secretForms } from '../settings/redact.js';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Values that must never reach a log line: session, api hash, Redis password. */
  secrets: readonly (string | undefined)[];
  /** Where lines go. @default process.stdout */
  destination?: { write(line: string): unknown };
  /** `json`: pino's lines; `pretty`: one readable line per entry. @default 'json' */
  format?: 'json' | 'pretty';
}

/**
 * JSON logs (pino). Known secret fields are redacted by path, and as a second line of
 * defence every line is scrubbed of the secret values themselves, so a secret quoted inside
 * some library's error message cannot leak either.
 */
export function createLogger(options: LoggerOptions): Logger {
  const forms = secretForms(options.secrets);
  const out = options.destination ?? process.stdout;
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'session',
          'apiHash',
          'password',
          '*.session',
          '*.apiHash',
          '*.password',
          // A setting logged by its name, in any object: the secrets of every group.
          ...SECRET_NAMES.flatMap((name) => [name, `*.${name}`]),
        ],
        censor: '[redacted]',
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    {
      write(line: string) {
        let clean = line;
        for (const form of forms) clean = clean.split(form).join('[redacted]');
        out.write(options.format === 'pretty' ? prettyLine(clean) : clean);
      },
    },
  );
}

/** Fields every line has; the pretty form shows them in its head, not as key=value. */
const HEAD = new Set(['level', 'time', 'msg', 'pid']);

/**
 * One JSON log line as a person reads it: `12:03:04.512 INFO  ready worker_id=w1 ...`.
 * Built from the already scrubbed line, so it can show no more than the JSON did.
 */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = String(entry.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !HEAD.has(key))
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'string' && !/\s|"/.test(value) ? value : JSON.stringify(value)}`,
    );
  return `${[time, level, String(entry.msg ?? ''), ...fields].join(' ')}\n`;
}

/**
 * Logs why a long-running command ends on an error and picks its exit code: 3 when Redis
 * was gone past its outage limit (a supervisor restarts it), else 1.
 */
export function logFatal(logger: Logger, error: unknown, what: string): number {
  const code = (error as { code?: string } | null)?.code;
  logger.fatal({ error_type: code, err: (error as Error | null)?.message }, what);
  return exitCodeFor(error);
}
