export interface RateLimitOptions {
  /** Sustained requests per second. */
  requestsPerSecond: number;
  /** Requests allowed back to back from a full bucket. */
  burst: number;
  /**
   * Extra seconds added, doubling each time, for every request sent while a flood wait is
   * still running (Telegram punishes clients that keep pushing). @default 2
   */
  penaltySec?: number;
}

export interface RateLimiter {
  /** Takes a token, or returns the flood wait in seconds the request is refused with. */
  take(nowMs: number): number | undefined;
}

/** A token bucket answering flood waits, with growing waits for clients that ignore them. */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const rate = options.requestsPerSecond;
  const burst = Math.max(1, options.burst);
  const penalty = options.penaltySec ?? 2;
  let tokens = burst;
  let last: number | undefined;
  let blockedUntil = Number.NEGATIVE_INFINITY;
  let strikes = 0;
  return {
    take(nowMs) {
      tokens = Math.min(burst, tokens + ((nowMs - (last ?? nowMs)) / 1000) * rate);
      last = nowMs;
      if (nowMs < blockedUntil) {
        strikes++;
        const seconds =
          Math.ceil((blockedUntil - nowMs) / 1000) + penalty * 2 ** Math.min(strikes - 1, 8);
        blockedUntil = nowMs + seconds * 1000;
        return seconds;
      }
      strikes = 0;
      if (tokens >= 1) {
        tokens -= 1;
        return undefined;
      }
      const seconds = Math.max(1, Math.ceil((1 - tokens) / rate));
      blockedUntil = nowMs + seconds * 1000;
      return seconds;
    },
  };
}
