import type * as v from 'valibot';
import { preview } from './echo.js';
import { COMMAND_ERROR_CODES, CommandErrorCode } from './error-codes.js';
import { retryableIn } from './error-table.js';
import { TgfetchError } from './errors.js';

export interface CommandIssue {
  code: CommandErrorCode;
  /** Dot path of the offending field (`options.tz`), empty for the whole command. */
  path: string;
  message: string;
}

/** A rejected command. `code` is the first issue's; `issues` has them all. */
export class CommandError extends TgfetchError {
  override name = 'CommandError';
  readonly issues: readonly CommandIssue[];

  constructor(issues: readonly CommandIssue[]) {
    const first = issues[0] ?? {
      code: CommandErrorCode.INVALID_VALUE,
      path: '',
      message: 'invalid command',
    };
    super(first.code, issues.map(formatIssue).join('; '), {
      retryable: retryableIn(COMMAND_ERROR_CODES, first.code),
    });
    this.issues = issues;
  }
}

export function issue(code: CommandErrorCode, path: string, message: string): CommandIssue {
  return { code, path, message };
}

function formatIssue(i: CommandIssue): string {
  return i.path ? `${i.path}: ${i.message}` : i.message;
}

const FIELD_CODES: Record<string, CommandErrorCode> = {
  chat: 'INVALID_CHAT',
  date: 'INVALID_DATE',
  from: 'INVALID_DATE',
  to: 'INVALID_DATE',
  days: 'INVALID_DAYS',
  'options.tz': 'INVALID_TIME_ZONE',
};

/** A valibot issue as a command issue: the stable code of its field and kind, its dot path. */
export function toIssue(raw: v.BaseIssue<unknown>): CommandIssue {
  const path = (raw.path ?? []).map((p) => String(p.key)).join('.');
  if (raw.type === 'variant') {
    return raw.input === undefined
      ? issue('MISSING_FIELD', 'mode', 'is missing: use "date", "days" or "range"')
      : issue(
          'UNKNOWN_MODE',
          'mode',
          `"${preview(raw.input)}" is not a mode: use "date", "days" or "range"`,
        );
  }
  if (raw.kind === 'schema' && raw.input === undefined) {
    return issue('MISSING_FIELD', path, 'is missing');
  }
  const fieldCode = FIELD_CODES[path];
  if (raw.kind === 'validation' && fieldCode) return issue(fieldCode, path, raw.message);
  if (path === 'chat') return issue('INVALID_CHAT', path, raw.message);
  if (raw.kind === 'schema' && raw.type !== 'picklist') {
    return issue('INVALID_TYPE', path, `${raw.message}, got ${describe(raw.input)}`);
  }
  return issue('INVALID_VALUE', path, raw.message);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${preview(value)}`;
}
