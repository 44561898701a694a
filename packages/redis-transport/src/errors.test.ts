import { TimeoutError } from 'redis';
import { describe, expect, it } from 'vitest';
import { RedisErrorCode, toRedisError } from './errors.js';

describe('toRedisError', () => {
  // Found by the chaos suite: a command queued during a Redis restart longer than 5 s was
  // rejected with node-redis' bare TimeoutError, taken for a reply error, and the daemon quit.
  it('takes node-redis command timeouts (a command that could not be sent) for a disconnect', () => {
    const error = toRedisError(new TimeoutError());
    expect(error.code).toBe(RedisErrorCode.REDIS_DISCONNECTED);
    expect(error.retryable).toBe(true);
  });

  it('keeps reply errors as non-retryable REDIS_ERROR', () => {
    const error = toRedisError(new Error('OOM command not allowed when used memory > maxmemory'));
    expect(error.code).toBe(RedisErrorCode.REDIS_ERROR);
    expect(error.retryable).toBe(false);
  });

  it.each([
    ['NOAUTH Authentication required.', RedisErrorCode.REDIS_AUTH],
    ['WRONGPASS invalid username-password pair or user is disabled.', RedisErrorCode.REDIS_AUTH],
    ['ERR DB index is out of range', RedisErrorCode.REDIS_CONFIG],
    [
      'WRONGTYPE Operation against a key holding the wrong kind of value',
      RedisErrorCode.REDIS_CONFIG,
    ],
  ])('tells a configuration problem (%s) from an outage', (message, code) => {
    const error = toRedisError(new Error(message), '10.0.0.1:6379');
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('10.0.0.1:6379');
  });
});
