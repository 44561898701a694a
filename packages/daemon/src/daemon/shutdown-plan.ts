/**
 * How the grace period is spent: running commands get most of it, then they are aborted
 * and handed back; at the end of it the daemon stops waiting (a frozen Redis may never
 * answer) and closes what it holds in what is left.
 */
export function shutdownPlan(graceMs: number) {
  const reserve = Math.min(1_000, graceMs / 2);
  let begun = false;
  let request = (_: 'stop') => {};
  const requested = new Promise<'stop'>((resolve) => {
    request = resolve;
  });
  let expire = (_: 'deadline') => {};
  const deadline = new Promise<'deadline'>((resolve) => {
    expire = resolve;
  });
  let timer: NodeJS.Timeout | undefined;
  return {
    requested,
    deadline,
    get begun() {
      return begun;
    },
    /** Running commands may run this long after the signal. */
    runningMs: Math.max(0, graceMs - reserve),
    begin() {
      begun = true;
      request('stop');
      timer = setTimeout(() => expire('deadline'), Math.max(0, graceMs - reserve / 2));
    },
    now() {
      begun = true;
      request('stop');
      clearTimeout(timer);
      timer = setTimeout(() => expire('deadline'), Math.min(reserve / 2, 500));
    },
    /** Closing waits at most this (10 s when no signal came: a fatal error or the end). */
    cleanupDeadline(): Promise<void> {
      // A quarter of the reserve, leaving the last for the process to end (see bin/tgfetch.js).
      const ms = begun ? Math.max(50, reserve / 4) : 10_000;
      return new Promise((resolve) => setTimeout(resolve, ms).unref());
    },
  };
}
