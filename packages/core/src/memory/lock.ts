import { chatKey } from '../chat.js';
import { AbortError } from '../errors.js';
import type { ChatLock } from '../ports.js';

/** One holder per chat within this process; waiters queue in arrival order. */
export function createMemoryLock(): ChatLock {
  const tails = new Map<string, Promise<void>>();
  return {
    async acquire(chat, signal) {
      const key = chatKey(chat);
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => mine);
      tails.set(key, tail);
      try {
        await abortable(previous, signal);
      } catch (error) {
        // Give our turn away at once, so later waiters are not stuck behind us.
        release();
        throw error;
      }
      return async () => {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      };
    },
  };
}

function abortable(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new AbortError());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new AbortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
