import { describe, expect, it } from 'vitest';
import { parseCommand } from './command.js';
import { deadLetterEvent } from './dead-letter.js';
import {
  CORE_ERROR_CODES,
  DeliveryErrorCode,
  EngineErrorCode,
  SourceErrorCode,
  StoreErrorCode,
} from './error-codes.js';
import { errorCodeTable, retryableIn } from './error-table.js';
import {
  AbortError,
  errorBuilder,
  FatalError,
  FloodWaitError,
  TransientError,
  toTgfetchError,
  UnreachableError,
  ZoneConflictError,
} from './errors.js';
import { createMemorySource } from './memory/source.js';
import { chatBusyError } from './queue.js';

const Codes = { ALPHA_DOWN: 'ALPHA_DOWN', ALPHA_BAD: 'ALPHA_BAD' } as const;
type Code = (typeof Codes)[keyof typeof Codes];
const table = errorCodeTable<Code>('alpha', {
  ALPHA_DOWN: { retryable: true, meaning: 'the alpha service is down' },
  ALPHA_BAD: { retryable: false, meaning: 'alpha refused the input', origin: 'alpha-input' },
});

describe('a package’s table of error codes', () => {
  it('has one row per code, in order, with the table’s origin unless the row names its own', () => {
    expect(table).toEqual([
      {
        code: 'ALPHA_DOWN',
        origin: 'alpha',
        retryable: true,
        meaning: 'the alpha service is down',
      },
      {
        code: 'ALPHA_BAD',
        origin: 'alpha-input',
        retryable: false,
        meaning: 'alpha refused the input',
      },
    ]);
    expect(retryableIn(table, Codes.ALPHA_DOWN)).toBe(true);
    expect(retryableIn(table, Codes.ALPHA_BAD)).toBe(false);
  });

  it('is what the package’s builder reads: retryable codes are TransientErrors, others FatalErrors', () => {
    const alphaError = errorBuilder(table);
    const cause = new Error('socket');
    const down = alphaError(Codes.ALPHA_DOWN, 'down', { cause });
    expect(down).toBeInstanceOf(TransientError);
    expect(down).toMatchObject({ code: 'ALPHA_DOWN', message: 'down', retryable: true, cause });
    const bad = alphaError(Codes.ALPHA_BAD, 'bad');
    expect(bad).toBeInstanceOf(FatalError);
    expect(bad).toMatchObject({ code: 'ALPHA_BAD', retryable: false });
  });

  it('lets an adapter give an UnreachableError its table’s flag', () => {
    expect(new UnreachableError('X_UNREACHABLE', 'no').retryable).toBe(true);
    expect(new UnreachableError('X_UNREACHABLE', 'no', { retryable: false }).retryable).toBe(false);
  });
});

describe('core’s own codes', () => {
  const flag = (code: string) => CORE_ERROR_CODES.find((row) => row.code === code)?.retryable;

  it('name no adapter: every code is the parser’s, the engine’s, the schedules’, or shared by every source, store, queue or lease store', () => {
    expect(new Set(CORE_ERROR_CODES.map((row) => row.origin))).toEqual(
      new Set(['command', 'source', 'store', 'delivery', 'engine', 'lease', 'schedule']),
    );
    for (const { code } of CORE_ERROR_CODES) {
      expect(code).not.toMatch(/^(TELEGRAM|PG|REDIS|EXPORT|FS|LOGIN)_/);
    }
  });

  it('are retryable in every error that carries them as the table says', async () => {
    const rejected = parseCommand(
      '{"command":"fetch","chat":"@x","mode":"date","date":"2020-13-01"}',
    );
    const source = createMemorySource({});
    const signal = new AbortController().signal;
    const missing = await (async () => {
      for await (const _ of source.messages({ chat: '@nobody', from: 0, to: 1 }, signal)) break;
    })().catch((e: unknown) => e);
    const delivery = {
      id: '1',
      payload: '{}',
      attempt: 9,
      ack: async () => {},
      release: async () => {},
    };
    const errors = [
      new FloodWaitError(30),
      new AbortError(),
      new ZoneConflictError('@x', 'UTC', 'Asia/Tokyo'),
      toTgfetchError(new Error('a bug')),
      rejected.ok ? undefined : rejected.error,
      chatBusyError('@x'),
      deadLetterEvent(delivery, 'w1', 0).error,
      missing,
    ];
    const codes = errors.map((e) => (e as { code: string }).code);
    expect(codes).toEqual([
      SourceErrorCode.FLOOD_WAIT,
      EngineErrorCode.ABORTED,
      StoreErrorCode.ZONE_CONFLICT,
      EngineErrorCode.UNEXPECTED,
      'INVALID_DATE',
      DeliveryErrorCode.CHAT_BUSY,
      DeliveryErrorCode.POISON_COMMAND,
      SourceErrorCode.CHAT_NOT_FOUND,
    ]);
    for (const error of errors) {
      const { code, retryable } = error as { code: string; retryable: boolean };
      expect(retryable, code).toBe(flag(code));
    }
  });
});
