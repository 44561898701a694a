/** Something a command opened and must close: a source, a store, a connection, a server. */
export interface Closable {
  close(): Promise<void>;
}

/** Thrown by `Lifetime.open` when the stop came first: the command stops having taken nothing. */
export class StoppedBeforeReady extends Error {
  override name = 'StoppedBeforeReady';
  readonly code = 'STOPPED_BEFORE_READY';

  constructor() {
    super('stopped before ready');
  }
}

const STOP = Symbol('stop');

export interface Lifetime {
  /**
   * Waits for `opening` and holds what it opens until `close()`. When `stopped` settles
   * first, throws `StoppedBeforeReady`, and what `opening` opens late is closed again.
   */
  open<T extends Closable>(opening: Promise<T>): Promise<T>;
  /** Runs `fn` at `close()`, in reverse order with what was opened. */
  defer(fn: () => unknown): void;
  /** Closes everything held, last opened first; a failure is told and the rest still closed. */
  close(): Promise<void>;
}

/**
 * What one command holds, opened in order and closed in reverse with one `close()`, so
 * that a start-up step that fails or is cut short by a signal leaves nothing open.
 */
export function createLifetime(options: {
  /** Settles when the command is asked to stop (a signal during start-up). @default never */
  stopped?: Promise<unknown>;
  /** Told of a failed close (the others are closed all the same). @default none */
  onCloseError?: (error: unknown) => void;
}): Lifetime {
  const held: Array<() => unknown> = [];
  const stop = options.stopped?.then((): typeof STOP => STOP);
  return {
    async open(opening) {
      const outcome = await (stop ? Promise.race([opening, stop]) : opening);
      if (outcome === STOP) {
        opening.then((late) => late.close()).catch(() => {});
        throw new StoppedBeforeReady();
      }
      held.push(() => outcome.close());
      return outcome;
    },
    defer(fn) {
      held.push(fn);
    },
    async close() {
      for (const fn of held.splice(0).reverse()) {
        try {
          await fn();
        } catch (error) {
          options.onCloseError?.(error);
        }
      }
    },
  };
}
