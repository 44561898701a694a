import { AbortError, type Clock, FloodWaitError, type LearnedRate } from '@tgfetch/core';
import { type Bounds, createRateBounds } from './rate-bounds.js';
import { createTurnQueue } from './turn-queue.js';

export interface PacingOptions {
  /** Slowest pace, as the longest spacing between requests, ms. @default 5000 */
  maxIntervalMs?: number;
  /** How far under the learned rate to pace, as a fraction of it. @default 0.005 */
  margin?: number;
  /**
   * How fast the pace creeps up once the rate is learned, as a fraction per request, so that
   * a limit Telegram raised is found again. Each time the pace passes the limit costs a
   * flood wait: at the default about one every ten thousand requests. @default 0.000002
   */
  probe?: number;
  /**
   * How fast the pace grows while the rate is still unknown, as exponential growth per
   * second of sending (3 is ×20 a second). @default 3
   */
  ramp?: number;
  /** A rate learned before (see `RateMemory`): paced from the first request. @default none */
  initial?: LearnedRate | undefined;
  /** Told each time a flood wait changed what the pacer knows of the limit. @default none */
  onEstimate?: ((rate: LearnedRate) => void) | undefined;
}

/** One request's turn: tell the pacer how it went. */
export interface PacedTurn {
  /** Telegram answered it. */
  accepted(): void;
  /** Telegram refused it with a flood wait of `seconds`: the account is held that long. */
  refused(seconds: number): void;
  /** It failed otherwise or was abandoned: it tells nothing of the limit. */
  failed(): void;
}

export interface Pacer {
  /**
   * Waits until a request for `key` (a chat) may go; call it right before sending. Requests
   * of different keys take turns round-robin, each key's in order, so one busy chat cannot
   * starve the others sharing the account. Rejects with a `FloodWaitError` of the time left
   * while (or once) a flood wait holds the account, and with `AbortError` on abort.
   */
  turn(key: string, signal: AbortSignal): Promise<PacedTurn>;
  /** Starts from a rate learned before, unless a flood wait has taught one already. */
  prime(rate: LearnedRate): void;
  /** Requests per second allowed now; `Infinity` until the limit shows itself. */
  readonly rate: number;
  /** Spacing between requests at that rate, ms (0 when unpaced). */
  readonly intervalMs: number;
  /** What the pacer knows of the limit, once it knows it. */
  readonly estimate: LearnedRate | undefined;
  /** The account is held until then (epoch ms) by the last flood wait. */
  readonly heldUntil: number;
}

/** Bounds this close (high over low) are the limit known: paced just under the low one. */
const SHARP = 0.01;
/**
 * The same for a rate learned before, while no send contradicted it: narrowing it further
 * costs a flood wait, which a second process is started from a learned rate to avoid.
 */
const PRIMED_SHARP = 0.05;
/** Bounds wider than this are split (geometrically, leaning high) instead of topped. */
const WIDE = 1.5;
/**
 * How far above the high bound a narrowing stretch sends, so that it ends in a refusal: a
 * fraction of it, or half the bounds' width when more (a drain over minutes tells no more
 * than one over seconds when the bounds are that wide).
 */
const OVER = 0.005;
/**
 * How fast the pace creeps up once the limit is known, a fraction per second of sending:
 * past the high bound a limit that rose shows itself, and one that did not costs a flood
 * wait. Each such wait halves it (a limit that holds is probed ever more rarely), down to
 * `MIN_CREEP`; a limit that moved starts it again.
 */
const CREEP = 0.0002;
const MIN_CREEP = CREEP / 16;
/** How often what was accepted meanwhile is looked at, ms: while narrowing, and once paced. */
const LOOK_MS = 250;
const PACED_LOOK_MS = 2000;
/** How long a turn held by the window waits before it looks again (an answer wakes it sooner), ms. */
const WINDOW_WAIT_MS = 60_000;
/** A turn still under way after this long is taken as lost, ms (requests time out sooner). */
const FORGOTTEN_MS = 120_000;
/** Requests that filled the window and went through before it grows by one. */
const WINDOW_GROWTH = 50;
/** Waits shorter than this are no wait, ms. */
const TICK_MS = 0.01;
/** No pace beyond this, requests/s: a ramp that never meets a limit is simply unpaced. */
const MAX_RATE = 1e6;
/** How far a send time may be from its arrival, besides the clock's tick, at most, ms. */
const MAX_JITTER_MS = 100;

/**
 * Adaptive pacing of one account, learned from flood waits alone (Telegram says nothing
 * while it accepts requests). Until the first one requests go back to back, so a short
 * fetch never waits. From then on requests are spaced by a client-side token bucket, at a
 * pace chosen from what the sends so far prove of the server's bucket (`createRateBounds`:
 * the rates and bursts that fit every acceptance and refusal):
 * - nothing bounds the rate from above yet (the first stretch went back to back): the
 *   pace starts at what that stretch achieved, wait included, and grows quickly (`ramp`)
 *   until the next flood wait;
 * - the bounds are wide: a pace between them (leaning high), or just above the high one
 *   once they are close, so that the next refusal comes after a long drain of the burst and
 *   tells the rate sharply; a pace under the limit raises the low bound as it is accepted;
 * - the bounds are within 1%: the limit is known, and the pace sits `margin` under the low
 *   bound, with bursts after pauses and waits, creeping up by `probe` a request so that a
 *   limit Telegram raised is found again (it shows as sends no kept bound allows).
 * A rate learned before (`initial`, `prime`) is a bound like the others until a send
 * contradicts it.
 *
 * One pacer serves every chat of the account: a flood wait holds every turn until it is
 * over (requests sent into it only earn longer ones): those waiting and those asked for
 * meanwhile fail with a `FloodWaitError` of the time left, so that core's retry policy
 * decides for each as for the refused one (the source throws it, the engine sleeps).
 * Waiting turns are granted round-robin by chat.
 */
export function createPacer(clock: Clock, options: PacingOptions = {}): Pacer {
  const minRate = 1000 / (options.maxIntervalMs ?? 5000);
  const margin = options.margin ?? 0.005;
  const probe = options.probe ?? 0.000002;
  const ramp = options.ramp ?? 3;
  const bounds = createRateBounds({ origin: clock.now() });
  let current: Bounds | undefined;
  let phase: 'free' | 'search' | 'narrow' | 'paced' = 'free';
  let rate = Number.POSITIVE_INFINITY;
  // The client-side bucket; it goes below zero when requests overlap.
  let capacity = 1;
  let tokens = 0;
  let refilledAt = clock.now();
  let heldUntil = 0;
  // Requests in send order: `seq` tells what was sent before a refusal.
  let seq = 0;
  const inFlight = new Map<number, number>();
  let lastRefusal: { seq: number; at: number; learnedAt: number } | undefined;
  let lastAccepted: number | undefined;
  let lastLook = 0;
  let creep = CREEP;
  let learnedAt = 0;
  // What the first stretch achieved, its wait included: a pace to start from while the
  // bounds say little.
  let guess = 0;
  // Searching above a limit that rose: more slowly, so that the requests sent near the new
  // limit, not a few sent far over it, are what the next flood wait measures.
  let climbing = false;
  // Requests under way at once while the limit is unknown: each sent into a flood wait only
  // earns a longer one, so chats that start together must not all go at once, nor follow a
  // fast search ramp. One, and one more each time `WINDOW_GROWTH` requests that filled the
  // window went through; halved by a flood wait (as TCP's congestion window).
  let window = 1;
  let filled = 0;
  // After a flood wait: 0 until the first request is sent, then its `seq` until it is
  // answered; undefined otherwise.
  let reopening: number | undefined;
  // Round trip of accepted requests (send to answer), smoothed, and its mean deviation.
  let rttMs: number | undefined;
  let rttVarMs = 0;
  // A clock that only ever told whole milliseconds is trusted to one.
  let tickMs = 1;

  const refill = (now: number) => {
    if (now > refilledAt) tokens = Math.min(capacity, tokens + (rate * (now - refilledAt)) / 1000);
    refilledAt = Math.max(refilledAt, now);
  };
  const setRate = (next: number) => {
    rate = Math.min(MAX_RATE, Math.max(minRate, next));
  };
  // What varies between a send and its arrival (a common delay cancels out): half the
  // round trip's deviation, and the clock's tick.
  const jitterMs = () => tickMs + Math.min(MAX_JITTER_MS, rttVarMs / 2);
  /** What the pacer knows of the limit: once something bounds it from above. */
  const known = (): LearnedRate | undefined => {
    if (!current || !Number.isFinite(current.high)) return undefined;
    const spread = current.high / current.low - 1;
    return {
      requestsPerSecond: current.low,
      burst: current.burst,
      learnedAt,
      // How sure: a count off by one over this many seconds is the spread.
      basisSec: Math.min(1e6, Math.max(1e-3, 1 / (current.low * Math.max(spread, 1e-6)))),
    };
  };

  /**
   * Requests under way at once once paced: what the pace keeps under way over a round
   * trip, and a little more. A burst after a wait (or one the estimate makes too large)
   * then goes a round trip at a time, so a refusal meets few requests already sent.
   */
  const pacedWindow = () => Math.max(2, Math.ceil((1.5 * rate * (rttMs ?? 0)) / 1000) + 1);

  /** How long the next turn must wait from `now`, ms. */
  const delay = (now: number) => {
    // A turn never told how it went (a caller that lost it) must not hold the window.
    for (const [s, at] of inFlight) {
      if (now - at < FORGOTTEN_MS) break;
      inFlight.delete(s);
    }
    let ms = Math.max(0, heldUntil - now);
    // Until the limit is known, requests overlap only as far as the window allows, and the
    // first request after a flood wait goes alone: if the wait was longer than known (more
    // refusals still on their way), no others follow it into the next one. An answer or a
    // refusal wakes the turn.
    const alone = reopening !== undefined;
    const limit = alone ? 1 : phase === 'paced' ? pacedWindow() : window;
    if (inFlight.size >= limit || (alone && reopening !== 0)) ms = Math.max(ms, WINDOW_WAIT_MS);
    if (phase !== 'free') {
      refill(now);
      if (tokens < 1) ms = Math.max(ms, ((1 - tokens) / rate) * 1000);
    }
    // Less than a clock can tell (an epoch in ms keeps ~0.2 µs): due now, not a sleep of 0.
    return ms < TICK_MS ? 0 : ms;
  };

  /**
   * The pace for what the bounds say now: after a refusal (`refused`: the pace it met), or
   * on a look at what was accepted since.
   */
  const choose = (refused: number | undefined) => {
    const b = current;
    if (!b) return;
    const lower = Math.min(Math.max(b.low, guess), b.high);
    if (!Number.isFinite(b.high)) {
      if (refused === undefined) {
        // Sends beyond every kept bound went through: the limit rose. Climb to it.
        if (phase !== 'search') {
          phase = 'search';
          climbing = true;
          capacity = 1;
        }
        if (lower > rate) setRate(lower);
        return;
      }
      // Nothing above yet: from the start guess (or half the refused pace) up, quickly.
      climbing = phase === 'paced' || phase === 'narrow';
      phase = 'search';
      setRate(Number.isFinite(refused) ? Math.max(lower, refused / 2) : lower);
      return;
    }
    climbing = false;
    if (b.high <= b.low * (1 + (bounds.primed ? PRIMED_SHARP : SHARP))) {
      const target = b.low / (1 + margin);
      // Refused while paced at a known limit: the probe met it, not a changed one.
      if (refused !== undefined && phase === 'paced') creep = Math.max(MIN_CREEP, creep / 2);
      if (refused !== undefined || phase !== 'paced' || target > rate) setRate(target);
      phase = 'paced';
      return;
    }
    phase = 'narrow';
    creep = CREEP;
    // Topping the high bound ends in a refusal after the burst drained, which brings the
    // high bound to within a request over that drain: a big burst narrows the bounds a lot
    // each time, a burst of about one hardly. Then halving them is the quicker way (a pace
    // under the limit raises the low bound as soon as its excess outgrows the burst).
    const small = b.burst < 4;
    setRate(
      small
        ? Math.sqrt(lower * b.high)
        : b.high / lower > WIDE
          ? lower ** 0.3 * b.high ** 0.7
          : b.high + Math.max(b.high * OVER, (b.high - b.low) / 2),
    );
  };

  /** Looks at what was accepted since the last look (it may raise the low bound). */
  const look = (now: number) => {
    if (!current) return;
    const every = phase === 'paced' ? PACED_LOOK_MS : LOOK_MS;
    if (now - lastLook < every) return;
    lastLook = now;
    const before = current;
    current = bounds.evaluate(jitterMs(), current) ?? current;
    choose(undefined);
    if (current.low > before.low * (1 + SHARP / 10) || current.high < before.high) {
      const learned = known();
      if (learned) options.onEstimate?.(learned);
    }
  };

  const onAccepted = (at: number, crowded: boolean) => {
    if (crowded && phase !== 'paced' && ++filled >= WINDOW_GROWTH) {
      window++;
      filled = 0;
    }
    bounds.accept(at);
    const previous = lastAccepted ?? at;
    lastAccepted = Math.max(previous, at);
    if (phase === 'free') return;
    // Growth follows time spent sending at the pace, not requests: a burst sent back to
    // back says nothing about the pace, and an idle hour must not raise it.
    const busySec = Math.min(Math.max(0, at - previous), 2000 / rate) / 1000;
    if (phase === 'search') setRate(rate * Math.exp((climbing ? ramp / 10 : ramp) * busySec));
    else if (phase === 'paced') setRate(rate * (1 + Math.max(probe, creep * busySec)));
    look(clock.now());
  };

  const onRefused = (sent: { seq: number; at: number }, seconds: number) => {
    const now = clock.now();
    heldUntil = Math.max(heldUntil, now + seconds * 1000);
    // Sent before the last refusal was known (before or after it): the same flood wait,
    // seen again by a request that was under way. Only the hold grows.
    if (lastRefusal && sent.at <= lastRefusal.learnedAt) return;
    // Sent before this one and still unanswered: they reached Telegram first.
    for (const [s, at] of inFlight) {
      if (s < sent.seq) {
        inFlight.delete(s);
        onAccepted(at, false);
      }
    }
    bounds.refuse(sent.at);
    const first = bounds.first;
    if (!lastRefusal && first && guess === 0) {
      guess = (first.count + 0.5) / ((first.spanMs + seconds * 1000) / 1000);
    }
    lastAccepted = undefined;
    lastRefusal = { ...sent, learnedAt: now };
    reopening = 0;
    window = Math.max(1, Math.floor(window / 2));
    filled = 0;
    const refused = phase === 'free' ? Number.POSITIVE_INFINITY : rate;
    current = bounds.evaluate(jitterMs());
    lastLook = now;
    if (!current) {
      // Nothing fits at all (sends that no token bucket explains): start over from half.
      phase = 'search';
      setRate(Number.isFinite(refused) ? refused / 2 : Math.max(minRate, guess));
    } else choose(refused);
    // Bursts only once the limit is known: a narrowing stretch drains the server's bucket
    // at its own pace from the start, which is what makes its refusal tell the rate. Up to
    // two tokens, not one, so that timers firing late are made up for, when the server's
    // bucket surely holds more (the least burst at the high bound is one it has).
    const burst = current?.burst ?? 1;
    capacity = phase === 'paced' ? Math.max(1, burst - 1) : Math.min(2, Math.max(1, burst - 1));
    tokens = 0;
    refilledAt = now;
    learnedAt = now;
    const learned = known();
    if (learned) options.onEstimate?.(learned);
  };

  const grant = (now: number, contended: boolean): PacedTurn => {
    if (phase !== 'free') {
      refill(now);
      tokens -= 1;
    }
    if (!Number.isInteger(now)) tickMs = 0;
    const sent = { seq: ++seq, at: now };
    if (reopening === 0 && now >= heldUntil) reopening = sent.seq;
    // The window, not the pace, holds back other chats' turns.
    const crowded = contended && inFlight.size + 1 >= window;
    inFlight.set(sent.seq, now);
    let reported = false;
    return {
      accepted() {
        if (reported) return;
        reported = true;
        const rtt = clock.now() - sent.at;
        rttVarMs = rttMs === undefined ? 0 : rttVarMs * 0.75 + Math.abs(rtt - rttMs) * 0.25;
        rttMs = rttMs === undefined ? rtt : rttMs * 0.9 + rtt * 0.1;
        if (inFlight.delete(sent.seq)) onAccepted(sent.at, crowded);
        if (reopening === sent.seq) reopening = undefined;
        queue.wake();
      },
      refused(seconds) {
        if (reported) return;
        reported = true;
        inFlight.delete(sent.seq);
        onRefused(sent, seconds);
        // Refused again: the next request after the (longer) wait goes alone in turn.
        if (reopening === sent.seq) reopening = 0;
        queue.rejectAll(() => heldOver() ?? new FloodWaitError(seconds));
      },
      failed() {
        if (reported) return;
        reported = true;
        inFlight.delete(sent.seq);
        if (reopening === sent.seq) reopening = 0;
        queue.wake();
      },
    };
  };

  const queue = createTurnQueue<PacedTurn>({ clock, delay, grant });

  /**
   * While a flood wait holds the account, a turn fails with the time left instead of
   * waiting it out: the engine's retry policy decides (sleeps, or fails a command rather
   * than hold a worker past its longest wait), as for the request Telegram refused.
   */
  const heldOver = (): FloodWaitError | undefined => {
    const ms = heldUntil - clock.now();
    return ms > TICK_MS ? new FloodWaitError(Math.ceil(ms / 1000)) : undefined;
  };

  const pacer: Pacer = {
    get rate() {
      return phase === 'free' ? Number.POSITIVE_INFINITY : rate;
    },
    get intervalMs() {
      return phase === 'free' ? 0 : 1000 / rate;
    },
    get estimate() {
      return known();
    },
    get heldUntil() {
      return heldUntil;
    },
    turn(key, signal) {
      if (signal.aborted) return Promise.reject(new AbortError());
      const held = heldOver();
      if (held) return Promise.reject(held);
      return queue.take(key, signal);
    },
    prime(learned) {
      if (phase !== 'free' || !(learned.requestsPerSecond > 0) || !(learned.burst > 0)) return;
      const low = learned.requestsPerSecond;
      // The spread the rate was sure to: a count off by one over the seconds it rests on.
      // No surer than the bounds that make a limit known: a rate saved a hair low must not
      // cap the pace under the true one.
      const spread = Math.max(SHARP / 2, 1 / (low * Math.max(learned.basisSec ?? 1, 1e-3)));
      bounds.prime(low, low * (1 + spread), learned.burst);
      current = { low, high: low * (1 + spread), burst: learned.burst };
      // Known before, so probed as a limit met twice already.
      creep = CREEP / 4;
      learnedAt = learned.learnedAt;
      choose(Number.POSITIVE_INFINITY);
      capacity = Math.max(1, learned.burst - 1);
      // A restarted process finds the account rested: the previous one stopped a while ago.
      refilledAt = clock.now();
      tokens = capacity;
      lastLook = clock.now();
    },
  };
  if (options.initial) pacer.prime(options.initial);
  return pacer;
}
