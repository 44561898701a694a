import { describe, expect, it } from 'vitest';
import {
  errorInfo,
  FatalError,
  FloodWaitError,
  TgfetchError,
  TransientError,
  toTgfetchError,
  UnreachableError,
} from './errors.js';
import { decideRetry, defaultRetryPolicy } from './retry.js';

const half = () => 0.5;

describe('decideRetry', () => {
  it('sleeps a flood wait plus jitter', () => {
    const d = decideRetry(new FloodWaitError(30), 1, defaultRetryPolicy, half);
    expect(d).toMatchObject({ retry: true, delayMs: 30_000 + 1_500 });
  });

  it('fails a flood wait above the maximum as retryable', () => {
    const d = decideRetry(new FloodWaitError(3600), 1, defaultRetryPolicy, half);
    expect(d.retry).toBe(false);
    expect(d.error.code).toBe('FLOOD_WAIT');
    expect(d.error.retryable).toBe(true);
  });

  it('gives up after too many flood waits in a row', () => {
    expect(decideRetry(new FloodWaitError(1), 10, defaultRetryPolicy, half).retry).toBe(true);
    expect(decideRetry(new FloodWaitError(1), 11, defaultRetryPolicy, half).retry).toBe(false);
  });

  it('pauses briefly even on FLOOD_WAIT_0', () => {
    expect(decideRetry(new FloodWaitError(0), 1, defaultRetryPolicy, () => 0)).toMatchObject({
      delayMs: 100,
    });
  });

  it('backs off exponentially with jitter on transient errors, then gives up', () => {
    const delays = [1, 2, 3, 4].map((attempt) => {
      const d = decideRetry(
        new TransientError('TIMEOUT', 'timed out'),
        attempt,
        defaultRetryPolicy,
        () => 1,
      );
      return d.retry ? d.delayMs : -1;
    });
    expect(delays).toEqual([500, 1000, 2000, 4000]);
    const low = decideRetry(new TransientError('TIMEOUT', 'x'), 4, defaultRetryPolicy, () => 0);
    expect(low).toMatchObject({ delayMs: 2000 });
    expect(decideRetry(new TransientError('TIMEOUT', 'x'), 5).retry).toBe(false);
  });

  it('caps the backoff', () => {
    const policy = { ...defaultRetryPolicy, maxAttempts: 50 };
    const d = decideRetry(new TransientError('TIMEOUT', 'x'), 40, policy, () => 1);
    expect(d).toMatchObject({ delayMs: 30_000 });
  });

  it('fails fatal and unknown errors at once', () => {
    expect(decideRetry(new FatalError('AUTH_FAILED', 'revoked'), 1).retry).toBe(false);
    const unknown = decideRetry(new Error('boom'), 1);
    expect(unknown).toMatchObject({ retry: false, error: { code: 'UNEXPECTED', message: 'boom' } });
  });

  it('fails an unreachable service at once, as retryable later (its own attempts are spent)', () => {
    const d = decideRetry(new UnreachableError('TELEGRAM_UNREACHABLE', 'no route'), 1);
    expect(d).toMatchObject({ retry: false, error: { retryable: true } });
  });
});

describe('errors', () => {
  it('carry name, code and retryable', () => {
    const e = new FloodWaitError(12);
    expect([e.name, e.code, e.retryable, e.seconds]).toEqual([
      'FloodWaitError',
      'FLOOD_WAIT',
      true,
      12,
    ]);
    expect(new FatalError('X', 'y').name).toBe('FatalError');
    expect(new TransientError('X', 'y').name).toBe('TransientError');
    expect(e).toBeInstanceOf(TgfetchError);
  });

  it('wrap foreign errors and describe them for events', () => {
    const cause = new RangeError('bad');
    const wrapped = toTgfetchError(cause);
    expect(wrapped.cause).toBe(cause);
    expect(errorInfo('plain string')).toEqual({
      code: 'UNEXPECTED',
      message: 'plain string',
      retryable: false,
    });
    expect(errorInfo(new FloodWaitError(5))).toEqual({
      code: 'FLOOD_WAIT',
      message: 'Telegram asked to wait 5s before the next request',
      retryable: true,
    });
  });
});
