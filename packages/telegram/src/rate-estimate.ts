/**
 * One stretch of requests that ended in a flood wait: when each request since the previous
 * flood wait was accepted (ms, ascending), when the last one was refused, and when the
 * previous one was (`undefined` for the first stretch, which is taken to start from a full
 * bucket).
 */
export interface Stretch {
  accepted: readonly number[];
  refusedMs: number;
  previousRefusalMs: number | undefined;
}

export interface RateEstimate {
  /** Learns from a stretch that just ended in a flood wait. */
  add(stretch: Stretch): void;
  /**
   * Starts from a rate and burst learned before, believed like the seconds of sending it
   * rested on: later stretches refine it, and one far from it starts afresh.
   */
  prime(learned: { requestsPerSecond: number; burst: number; basisSec?: number }): void;
  /** The seconds of sending the estimate rests on (what a rate learned before counted for). */
  readonly basisSec: number;
  /** Sustainable requests per second, known once a stretch after a flood wait ended. */
  readonly rate: number | undefined;
  /** Requests the server lets through back to back from a full bucket. */
  readonly burst: number | undefined;
  /** How far off `rate` may be, as a fraction of it (1 when unknown). */
  readonly uncertainty: number;
  /**
   * A rate to start from before `rate` is known: what the first stretch achieved over its
   * own time plus the wait that followed it (`waitMs`).
   */
  floor(waitMs: number): number | undefined;
}

/** Weight kept by what older stretches said each time a new one ends: a changed limit wins. */
const FORGET = 0.75;
/** A stretch that bounds the rate this far from the estimate starts it afresh. */
const DROP = 0.1;
/** The shortest span a bound may rest on, ms. */
const MIN_SPAN_MS = 250;
/**
 * Seconds of sending a rate learned before counts for, at least: it was a good enough
 * estimate to pace by, and climbing through a larger doubt in seconds would meet the limit.
 */
const PRIOR_SEC = 1;

/**
 * Fits a token bucket (`burst` requests back to back, refilled at `rate` a second) to what
 * flood waits reveal: Telegram says nothing while it accepts requests. A refusal means the
 * bucket is empty, so from any earlier moment `s` the requests accepted since `s` are about
 * what the bucket held at `s` plus `rate × (refusal − s)`. The bucket holds at most `burst`,
 * so every `s` gives a lower bound of `rate`, exact from the last moment the bucket was full.
 * The first stretch starts full and measures `burst` (its requests go as fast as the client
 * can, which still takes a while at a high rate); each later stretch measures `rate` as the
 * best of its bounds. Stretches are weighed by the time their bound spans, older ones
 * fading, so the estimate sharpens with every flood wait and follows a limit that moves.
 */
export function createRateEstimate(): RateEstimate {
  let first: { count: number; spanMs: number } | undefined;
  let weighted = 0;
  let weight = 0;
  let rate: number | undefined;
  return {
    get rate() {
      return rate;
    },
    get burst() {
      if (!first) return undefined;
      // The refused request found between none and one token: half a request on average.
      return Math.max(1, first.count + 0.5 - ((rate ?? 0) * first.spanMs) / 1000);
    },
    get basisSec() {
      return weight;
    },
    get uncertainty() {
      // A count off by one request over the time the estimate rests on.
      return rate === undefined ? 1 : Math.min(1, 1 / (rate * weight));
    },
    floor(waitMs) {
      if (!first) return undefined;
      const span = (first.spanMs + waitMs) / 1000;
      return span > 0 ? (first.count + 0.5) / span : undefined;
    },
    prime(learned) {
      if (first) return;
      // As if the first stretch had sent the burst back to back.
      first = { count: learned.burst - 0.5, spanMs: 0 };
      rate = learned.requestsPerSecond;
      weight = Math.max(PRIOR_SEC, learned.basisSec ?? PRIOR_SEC);
      weighted = rate * weight;
    },
    add(stretch) {
      if (!first) {
        const start = stretch.accepted[0] ?? stretch.refusedMs;
        first = { count: stretch.accepted.length, spanMs: stretch.refusedMs - start };
        return;
      }
      const bound = bestBound(stretch, first);
      if (!bound) return;
      // Far from the estimate: the limit moved, and what held before no longer counts.
      if (
        rate !== undefined &&
        (bound.rate < rate * (1 - DROP) || bound.rate > rate * (1 + DROP))
      ) {
        weight = weighted = 0;
      }
      weighted = weighted * FORGET + bound.rate * bound.span;
      weight = weight * FORGET + bound.span;
      rate = weighted / weight;
    },
  };
}

/**
 * The largest lower bound of the rate a stretch gives, and the seconds it spans. From the
 * previous refusal (bucket empty then): `n / T`. From an accepted request (bucket at most
 * full just before it): `n + ½ = burst + rate × T`, and the first stretch said
 * `A₀ + ½ = burst + rate × T₀`, so `rate = (n − A₀) / (T − T₀)`; `n` requests accepted in the
 * `T` seconds up to the refusal. Spans no longer than `T₀` say nothing about the rate.
 */
function bestBound(
  stretch: Stretch,
  first: { count: number; spanMs: number },
): { rate: number; span: number } | undefined {
  const { accepted, refusedMs } = stretch;
  let best: { rate: number; span: number } | undefined;
  const consider = (perMs: number, spanMs: number) => {
    if (spanMs > 0 && perMs > 0 && (!best || perMs * 1000 > best.rate)) {
      best = { rate: perMs * 1000, span: spanMs / 1000 };
    }
  };
  if (stretch.previousRefusalMs !== undefined) {
    const span = refusedMs - stretch.previousRefusalMs;
    consider(accepted.length / span, span);
  }
  const last = accepted[accepted.length - 1] ?? refusedMs;
  // Shorter spans make a count that is off by one a large error: they say nothing.
  const shortest = Math.max(MIN_SPAN_MS, first.spanMs);
  for (let k = 0; k < accepted.length; k++) {
    const sent = accepted.length - k - first.count;
    // Both counts may be off by one: half a request less keeps the max off the noise.
    const toRefusal = refusedMs - accepted[k]! - first.spanMs;
    if (toRefusal >= shortest) consider((sent - 0.5) / toRefusal, toRefusal);
    // Each accepted request had a token, and the bucket holds no more than the first
    // stretch got through plus one: all but that many of those from the k-th to the last
    // came from what refilled in between. A lower bound whatever the first stretch was
    // (back to back or not), and the one that counts when the bucket is too small for the
    // refusal to say much (a burst of one).
    const toLast = last - accepted[k]!;
    if (toLast >= shortest) consider((sent - 1) / toLast, toLast);
  }
  return best;
}
