import { PgStoreErrorCode, pgError, toPgError } from './errors.js';

/** The public operations of a store or sink: refused once closed, awaited by close. */
export interface Operations {
  /** Runs `fn`, its node-postgres errors translated (`action` says what it was doing). */
  run<T>(action: string, fn: () => Promise<T>): Promise<T>;
  /** Refuses new operations (`STORE_CLOSED`) and waits for those under way; false if closed already. */
  close(): Promise<boolean>;
}

export function createOperations(what: string): Operations {
  const running = new Set<Promise<unknown>>();
  let closed = false;
  return {
    run(action, fn) {
      if (closed)
        return Promise.reject(pgError(PgStoreErrorCode.STORE_CLOSED, `The ${what} is closed`));
      const run = (async () => fn())().catch((error: unknown) => {
        throw toPgError(error, action);
      });
      running.add(run);
      void run.then(
        () => running.delete(run),
        () => running.delete(run),
      );
      return run;
    },
    async close() {
      if (closed) return false;
      closed = true;
      await Promise.allSettled([...running]);
      return true;
    },
  };
}
