import type { Delivery } from '@tgfetch/core';
import type { Connection } from './connection.js';

/**
 * A delivery the queue has just moved to its dead letters: flagged for the worker to
 * report, and settled already (ack and release do nothing).
 */
export function deadLetter(
  about: Pick<Delivery, 'payload' | 'bytes' | 'id' | 'attempt'>,
): Delivery {
  const settled = async () => {};
  return { ...about, deadLettered: true, ack: settled, release: settled };
}

/**
 * The settling of one delivery: the first `ack` or `release` wins and later ones do
 * nothing, unless it failed (Redis away or silent past its deadline), when it may be tried
 * again. `done` runs once the winner went through.
 */
export function settleOnce(
  connection: Pick<Connection, 'translate' | 'deadline'>,
  done: () => void,
): (fn: () => Promise<unknown>) => Promise<void> {
  let settled = false;
  return async (fn) => {
    if (settled) return;
    settled = true;
    try {
      // A frozen server must not hold a worker (or its shutdown): the call may still land,
      // and a later try finds it done (ack and release are idempotent).
      await connection.deadline(fn(), 'settling a command');
    } catch (error) {
      settled = false;
      throw connection.translate(error);
    }
    done();
  };
}

/** Resolves when `signal` aborts; `dispose` drops the listener. */
export function abortPromise(signal: AbortSignal | undefined): {
  promise: Promise<'aborted'>;
  dispose: () => void;
} {
  if (!signal) return { promise: new Promise(() => {}), dispose: () => {} };
  if (signal.aborted) return { promise: Promise.resolve('aborted'), dispose: () => {} };
  let onAbort = () => {};
  const promise = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** Runs async functions one at a time, in call order. */
export function serial(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const result = tail.then(fn);
    // The tail only orders calls: it must not keep the last result alive.
    tail = result.then(
      () => {},
      () => {},
    );
    return result;
  };
}
