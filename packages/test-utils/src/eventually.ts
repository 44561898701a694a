export interface EventuallyOptions {
  /** @default 10_000 */
  timeoutMs?: number;
  /** Named in the error at the deadline. @default 'condition' */
  what?: string;
  /** Pause between checks. @default 20 */
  everyMs?: number;
}

/** Polls `check` until it returns something truthy, or throws at the deadline. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 10_000, what = 'condition', everyMs = 20 }: EventuallyOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
