import { EXIT } from '../cli/exit-codes.js';

/**
 * SIGTERM / SIGINT. The first asks for a clean stop and arms a watchdog: if the process is
 * still alive `graceMs` later (a hung connection, a timer of a library), it exits with
 * `exitCode` anyway, so the first signal always ends it within its grace period. The second
 * signal exits at once with 130 (interrupted) unless `second` is given. The handlers stay
 * installed (and the watchdog armed) until the returned function is called: a signal that arrives while resources
 * are being closed must not fall back to Node's default (death by signal, 143).
 */
export function onShutdownSignals(handlers: {
  first: (signal: string) => void;
  second?: (signal: string) => void;
  /** Longest time from the first signal to the end of the process. */
  graceMs: number;
  /** The code the watchdog exits with (what a clean stop would have returned). */
  exitCode: number;
}): () => void {
  let count = 0;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const handle = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      watchdog = setTimeout(() => process.exit(handlers.exitCode), handlers.graceMs);
      watchdog.unref();
      handlers.first(signal);
    } else if (handlers.second) handlers.second(signal);
    else process.exit(EXIT.interrupted);
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
  return () => {
    clearTimeout(watchdog);
    process.off('SIGTERM', handle);
    process.off('SIGINT', handle);
  };
}
