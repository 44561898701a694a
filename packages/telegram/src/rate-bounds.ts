/**
 * What the requests sent so far prove about an account's limit, taken to be a token bucket
 * (`burst` tokens at most, refilled at `rate` a second; a request takes one or is refused
 * with a flood wait): the rates that fit every acceptance and every refusal, as an interval
 * `[low, high]`, and the least burst that fits `low`. Telegram says nothing while it accepts
 * requests, so all of it comes from send times.
 *
 * A rate `r` with burst `b` fits when (within a timing tolerance of a fraction of a request):
 * - every run of accepted requests `i..j` of a stretch found tokens: `j − i + 1 ≤ b + r·(aⱼ − aᵢ)`;
 * - each refused request found less than one: the bucket holds `min` over its last moments
 *   of being full (just before an accepted `aᵢ`) of `b + r·(t − aᵢ) − (requests since)`,
 *   or, from where the stretch began (a refusal, so under one token then), of what refilled
 *   since less what was taken; one of those is under one;
 * - after a refusal (under one token), `j` accepted by `aⱼ` needed `r·(aⱼ − t) > j − 1`.
 *
 * A stretch runs from one refusal to the next (the first from the first request, on a
 * rested account: a full bucket). These are exact for a token bucket, so the interval only
 * narrows as requests are sent; one that holds no rate any more (the limit moved) drops
 * its oldest stretches until it does. A stretch that outran every rate the others allow
 * without being refused drops them too: the limit rose.
 */

/** Send times of one stretch, seconds from the estimate's origin, ascending. */
interface Stretch {
  /** Where it began: a refusal (`empty`, under one token then), a rested start (`full`), or unknown. */
  start: { kind: 'empty'; at: number } | { kind: 'full' } | { kind: 'unknown' };
  /** Accepted send times (of a closed stretch only its first and last are kept). */
  times: number[];
  /** Closed: when the request that ended it was refused, and how many were accepted. */
  refusedAt?: number;
  count?: number;
  /** The upper hull of `(aᵢ, −i)` (for the refusal's bound) and a sample of `(aᵢ, i)`. */
  hull?: Array<[number, number]>;
  sample?: Array<[number, number]>;
}

/** A stretch as one look at the bounds needs it. */
interface View {
  start: Stretch['start'];
  sample: Array<[number, number]>;
  refusal?: { at: number; count: number; hull: Array<[number, number]> };
}

export interface Bounds {
  /** The lowest rate that fits, requests/s. */
  low: number;
  /** The highest; `Infinity` while nothing bounds it from above. */
  high: number;
  /** The least burst that fits `low`. */
  burst: number;
}

export interface RateBoundsOptions {
  /** Epoch ms the send times are counted from (keeps the arithmetic small). */
  origin: number;
}

/** Grid of rates looked at, requests/s: a limit outside it is taken as its end. */
const MIN_RATE = 0.01;
const MAX_RATE = 1e5;
const STEP = 1.02;
/** Bisection steps that sharpen a bound found on the grid (to a millionth of it). */
const REFINE = 20;
/** The same on a look from the last bounds, which move a little at a time (to 0.002%). */
const REFINE_LOOK = 10;
/** Stretches kept besides the open one: older ones say what a limit that moves once was. */
const MAX_STRETCHES = 6;
/** Accepted send times kept for a stretch; beyond them its oldest go (its start unknown). */
const MAX_TIMES = 50_000;
/** Points of a stretch its acceptances are checked at (every k-th): bounds stay valid. */
const SAMPLE = 400;
/** Requests a count may be off by for nothing but arithmetic. */
const TAU = 1e-6;

export interface RateBounds {
  /** A request sent at `atMs` was accepted. */
  accept(atMs: number): void;
  /** A request sent at `atMs` was refused: its stretch ends there, the next begins. */
  refuse(atMs: number): void;
  /**
   * A rate learned before: the limit is taken to be within `[low, high]` until a send
   * contradicts it (then it is forgotten). The next stretch starts from an unknown bucket.
   */
  prime(low: number, high: number, burst: number): void;
  /**
   * The rates that fit, with `jitterMs` of doubt on each send time (how far a send and its
   * arrival may be apart); undefined while no refusal (nor prime) bounds them.
   */
  evaluate(jitterMs: number, previous?: Bounds): Bounds | undefined;
  /** For tests: the least burst that fits `rate` with the bounds kept now, or undefined. */
  fitting(rate: number, jitterMs: number): number | undefined;
  /** Whether a rate learned before still bounds the rate (no send contradicted it). */
  readonly primed: boolean;
  /** The first stretch, once it ended: accepted requests and the time they took, ms. */
  readonly first: { count: number; spanMs: number } | undefined;
  /** Seconds the kept stretches span. */
  readonly spanSec: number;
}

export function createRateBounds(options: RateBoundsOptions): RateBounds {
  const { origin } = options;
  const sec = (ms: number) => (ms - origin) / 1000;
  const closed: Stretch[] = [];
  let open: Stretch = { start: { kind: 'full' }, times: [] };
  let prior: { low: number; high: number; burst: number } | undefined;
  let first: { count: number; spanMs: number } | undefined;

  const close = (s: Stretch, refusedAt: number) => {
    s.refusedAt = refusedAt;
    s.count = s.times.length;
    s.hull = upperHull(s.times);
    s.sample = sampleOf(s.times);
    // The hull and the sample sum the send times up: let them go.
    s.times = s.times.length > 0 ? [s.times[0]!, s.times[s.times.length - 1]!] : [];
  };

  const view = (s: Stretch): View => ({
    start: s.start,
    sample: s.sample ?? sampleOf(s.times),
    ...(s.refusedAt !== undefined && s.hull
      ? { refusal: { at: s.refusedAt, count: s.count ?? 0, hull: s.hull } }
      : {}),
  });

  /**
   * Whether some rate in `[r1, r2]` may fit with some burst: each bound is taken at the end
   * of the range that favours it (all are monotone in the rate), so a range that fails holds
   * no fitting rate, and a thin one that passes is as good as a rate that fits. Returns the
   * least burst that fits `r2`, or undefined.
   */
  const fits = (r1: number, r2: number, jitterSec: number, views: View[]) => {
    if (prior && (r2 < prior.low || r1 > prior.high)) return undefined;
    const tau = TAU + r2 * jitterSec;
    let least = 1;
    let most = Number.POSITIVE_INFINITY;
    for (const v of views) {
      least = Math.max(least, runBound(v.sample, r2) - tau);
      if (v.start.kind === 'empty' && !afterRefusal(v.sample, v.start.at, r2, tau))
        return undefined;
      const refusal = v.refusal;
      if (!refusal) continue;
      const { at: t, count: n } = refusal;
      if (v.start.kind === 'empty') {
        // Under one token at the start, at least none at the refusal.
        if (r2 * (t - v.start.at) <= n - 1 - tau) return undefined;
        // The refusal may be the start's tokens running out: it says nothing of the burst.
        if (r1 * (t - v.start.at) - n < 1 + tau) continue;
      } else if (v.start.kind === 'unknown') {
        const a = v.sample[0]?.[0];
        if (a === undefined || r1 * (t - a) - n < tau) continue;
      }
      most = Math.min(most, 1 + tau + refusalBound(refusal.hull, n, t, r1));
      if (!(least < most)) return undefined;
    }
    if (!(least < most)) return undefined;
    return prior ? Math.max(least, Math.min(prior.burst, most)) : least;
  };

  /**
   * The lowest and highest fitting rates, to a hair, and the least burst at the highest;
   * undefined when none fits. Within `hint` (the last bounds) when nothing was forgotten
   * since: the set only shrinks as sends are added.
   */
  const search = (jitterSec: number, views: View[], hint?: Bounds) => {
    const ok = (r1: number, r2: number) => fits(r1, r2, jitterSec, views) !== undefined;
    const from = hint ? Math.max(MIN_RATE, hint.low) : MIN_RATE;
    const to = hint && Number.isFinite(hint.high) ? Math.min(MAX_RATE, hint.high) : MAX_RATE;
    if (hint && to < MAX_RATE) {
      // Nearly always: neither end moved by more than a hair.
      const hair = 1 + (STEP - 1) / 2 ** REFINE_LOOK;
      if (ok(from, from * hair) && ok(to / hair, to)) {
        return { low: from, high: to, burst: burstAt(to) };
      }
    }
    let lowCell: [number, number] | undefined;
    for (let r = from; r < to; r *= STEP) {
      const cell: [number, number] = [r, Math.min(to, r * STEP)];
      if (ok(...cell)) {
        lowCell = cell;
        break;
      }
    }
    if (!lowCell) return ok(to, to) ? { low: to, high: to, burst: burstAt(to) } : undefined;
    let highCell: [number, number] = lowCell;
    for (let r = to; r > lowCell[1]; r /= STEP) {
      const cell: [number, number] = [Math.max(lowCell[1], r / STEP), r];
      if (ok(...cell)) {
        highCell = cell;
        break;
      }
    }
    const steps = hint ? REFINE_LOOK : REFINE;
    let [a, b] = lowCell;
    for (let i = 0; i < steps; i++) {
      const m = Math.sqrt(a * b);
      if (ok(a, m)) b = m;
      else a = m;
    }
    const low = a;
    [a, b] = highCell;
    for (let i = 0; i < steps; i++) {
      const m = Math.sqrt(a * b);
      if (ok(m, b)) a = m;
      else b = m;
    }
    const high = b >= MAX_RATE ? Number.POSITIVE_INFINITY : b;
    return { low, high, burst: burstAt(Number.isFinite(high) ? b : low) };

    function burstAt(r: number) {
      return fits(r, r, jitterSec, views) ?? fits(r / STEP, r, jitterSec, views) ?? 1;
    }
  };

  return {
    accept(atMs) {
      const a = sec(atMs);
      const { times } = open;
      // Nearly always the newest: requests overlap only when turns do.
      let i = times.length;
      while (i > 0 && times[i - 1]! > a) i--;
      times.splice(i, 0, a);
      if (times.length > MAX_TIMES) {
        times.splice(0, times.length - MAX_TIMES / 2);
        open.start = { kind: 'unknown' };
      }
    },
    refuse(atMs) {
      const t = sec(atMs);
      // Accepted ones sent after it (answers that overtook it) belong to the next stretch.
      const later = open.times.filter((a) => a > t);
      open.times = open.times.filter((a) => a <= t);
      if (!first) {
        const start = open.times[0] ?? t;
        first = { count: open.times.length, spanMs: (t - start) * 1000 };
      }
      close(open, t);
      closed.push(open);
      if (closed.length > MAX_STRETCHES) closed.shift();
      open = { start: { kind: 'empty', at: t }, times: later };
    },
    prime(low, high, burst) {
      prior = { low, high: Math.max(low, high), burst };
      if (open.times.length === 0 && closed.length === 0) open.start = { kind: 'unknown' };
    },
    evaluate(jitterMs, previous) {
      const jitterSec = Math.max(0, jitterMs) / 1000;
      let hint = previous;
      let forgot = false;
      for (;;) {
        if (closed.length === 0 && !prior) {
          // Nothing kept bounds the rate from above any more: the limit rose past them.
          if (!forgot) return undefined;
          const found = search(jitterSec, [view(open)]);
          return { low: found?.low ?? MIN_RATE, high: Number.POSITIVE_INFINITY, burst: 1 };
        }
        const found = search(jitterSec, [...closed, open].map(view), hint);
        if (found) return found;
        // Nothing fits: the limit moved. What is oldest is what no longer holds.
        hint = undefined;
        forgot = true;
        if (prior) prior = undefined;
        else closed.shift();
      }
    },
    fitting(rate, jitterMs) {
      return fits(rate, rate, Math.max(0, jitterMs) / 1000, [...closed, open].map(view));
    },
    get primed() {
      return prior !== undefined;
    },
    get first() {
      return first;
    },
    get spanSec() {
      const all = [...closed, open];
      let span = 0;
      for (const s of all) {
        const times = s.times;
        if (times.length === 0) continue;
        const end = s.refusedAt ?? times[times.length - 1]!;
        span += Math.max(0, end - times[0]!);
      }
      return span;
    },
  };
}

/** Every k-th of `times` (and the last) with its 1-based position: `[a, i]`. */
function sampleOf(times: readonly number[]): Array<[number, number]> {
  const n = times.length;
  const stride = Math.max(1, Math.ceil(n / SAMPLE));
  const out: Array<[number, number]> = [];
  for (let k = 0; k < n; k += stride) out.push([times[k]!, k + 1]);
  if (n > 0 && (n - 1) % stride !== 0) out.push([times[n - 1]!, n]);
  return out;
}

/**
 * The most any run of accepted requests of a stretch took beyond what `r` refilled during
 * it: `max over i ≤ j of (j − i + 1) − r·(aⱼ − aᵢ)`, which the burst must cover.
 */
function runBound(sample: ReadonlyArray<[number, number]>, r: number): number {
  let best = 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (const [a, i] of sample) {
    lowest = Math.min(lowest, i - 1 - r * a);
    best = Math.max(best, i - r * a - lowest);
  }
  return best;
}

/** After a refusal at `t` (under one token), each accepted `j` needed `r·(aⱼ − t) > j − 1`. */
function afterRefusal(
  sample: ReadonlyArray<[number, number]>,
  t: number,
  r: number,
  tau: number,
): boolean {
  for (const [a, j] of sample) if (r * (a - t) <= j - 1 - tau) return false;
  return true;
}

/**
 * `max over i of (n − i + 1) − r·(t − aᵢ)`: with the burst added, the tokens left at the
 * refusal counted from each moment the bucket may last have been full (just before `aᵢ`).
 */
function refusalBound(
  hull: ReadonlyArray<[number, number]>,
  n: number,
  t: number,
  r: number,
): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const [a, minusI] of hull) best = Math.max(best, r * a + minusI);
  return n + 1 - r * t + best;
}

/** The upper convex hull of `(aᵢ, −i)`: where `r·a − i` is largest, for any `r > 0`. */
function upperHull(times: readonly number[]): Array<[number, number]> {
  const hull: Array<[number, number]> = [];
  for (let k = 0; k < times.length; k++) {
    const p: [number, number] = [times[k]!, -(k + 1)];
    while (hull.length >= 2) {
      const [ax, ay] = hull[hull.length - 2]!;
      const [bx, by] = hull[hull.length - 1]!;
      // Drop b when it lies on or under the line from a to p.
      if ((bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax) >= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}
