import { AbortError, type Clock } from '@tgfetch/core';

export interface TurnQueueOptions<T> {
  clock: Clock;
  /**
   * How long the next turn must wait from `now`, ms (0: it may go now). A wait that ends
   * on an event rather than in time may be long: `wake()` cuts it short.
   */
  delay(now: number): number;
  /** Hands out one turn now (called only once `delay` says 0); `contended` when others still wait. */
  grant(now: number, contended: boolean): T;
}

interface Waiter<T> {
  resolve(turn: T): void;
  reject(error: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

/**
 * Turns handed out one at a time when `delay` allows, fairly between keys: round-robin over
 * the keys that wait, first come first served within a key. A turn that finds nobody
 * waiting and no delay goes at once.
 */
export function createTurnQueue<T>(options: TurnQueueOptions<T>) {
  const { clock } = options;
  // Insertion order is the round: a key served goes to the back while it still waits.
  const waiting = new Map<string, Waiter<T>[]>();
  let pumping = false;
  let pause = new AbortController();
  // Whether the pump sleeps on `pause`: only then is there a sleep to cut short (aborting
  // costs an exception object, on every answer of a busy account).
  let sleeping = false;

  const wake = () => {
    if (!sleeping) return;
    pause.abort();
    pause = new AbortController();
  };

  const next = (): Waiter<T> | undefined => {
    const first = waiting.entries().next();
    if (first.done) return undefined;
    const [key, list] = first.value;
    const waiter = list.shift();
    waiting.delete(key);
    if (list.length > 0) waiting.set(key, list);
    return waiter;
  };

  const pump = async () => {
    pumping = true;
    for (;;) {
      if (waiting.size === 0) {
        pumping = false;
        return;
      }
      const ms = options.delay(clock.now());
      if (ms > 0) {
        // Cut short by `wake`: when every waiter has left (so that no timer outlives them)
        // or when what the wait depends on changed.
        sleeping = true;
        await clock.sleep(ms, pause.signal).catch(() => {});
        sleeping = false;
        continue;
      }
      const waiter = next();
      if (!waiter) continue;
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      try {
        waiter.resolve(options.grant(clock.now(), waiting.size > 0));
      } catch (error) {
        waiter.reject(error);
      }
    }
  };

  return {
    /** Something `delay` depends on changed: the waiting turn looks again. */
    wake,
    /** Ends every waiting turn with `error` (made for each). */
    rejectAll(error: () => unknown) {
      const all = [...waiting.values()].flat();
      waiting.clear();
      wake();
      for (const waiter of all) {
        waiter.signal.removeEventListener('abort', waiter.onAbort);
        waiter.reject(error());
      }
    },
    take(key: string, signal: AbortSignal): Promise<T> {
      if (signal.aborted) return Promise.reject(new AbortError());
      if (waiting.size === 0 && !pumping && options.delay(clock.now()) <= 0) {
        return Promise.resolve(options.grant(clock.now(), false));
      }
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter<T> = {
          resolve,
          reject,
          signal,
          onAbort: () => {
            const list = waiting.get(key);
            const at = list?.indexOf(waiter) ?? -1;
            if (list && at >= 0) list.splice(at, 1);
            if (list?.length === 0) waiting.delete(key);
            if (waiting.size === 0) wake();
            reject(new AbortError());
          },
        };
        const list = waiting.get(key);
        if (list) list.push(waiter);
        else waiting.set(key, [waiter]);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
        if (!pumping) void pump();
      });
    },
  };
}
