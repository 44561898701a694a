import { AbortError, type Clock, FloodWaitError, type LearnedRate } from '@tgfetch/core';
import { createRateEstimate } from './rate-estimate.js';
import { createTurnQueue } from './turn-queue.js';

export interface PacingOptions {
  /** Slowest pace, as the longest spacing between requests, ms. @default 5000 */
  maxIntervalMs?: number;
  /** How far under the learned rate to pace, as a fraction of it. @default 0.01 */
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

/** Seconds of sending over which the pace climbs through the estimate's uncertainty. */
const SETTLE_SEC = 5;
/** Before the first flood wait, a pause this long lets the server's bucket fill again. */
const REFILL_GAP_MS = 1000;
/** Accepted requests remembered per stretch (the newest): minutes of sending. */
const MAX_REMEMBERED = 20_000;
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

/**
 * Adaptive pacing of one account, learned from flood waits alone (Telegram says nothing
 * while it accepts requests). Until the first one requests go back to back, so a short
 * fetch never waits; the requests that got through measure the server's burst. From then on
 * requests are spaced by a client-side token bucket that mirrors the server's. After the
 * first wait its rate starts at what the first stretch achieved wait included and grows
 * quickly until the next flood wait, whose timing gives the server's sustainable rate
 * (`createRateEstimate`). From then on the pace sits `margin` under that rate, with bursts
 * after pauses and waits, and creeps up, quickly while the estimate is rough and by `probe`
 * a request once it is sharp; each later flood wait sharpens the estimate and restarts the
 * pace under both it and the pace that was refused. A rate learned before (`initial`,
 * `prime`) skips the learning.
 *
 * One pacer serves every chat of the account: a flood wait holds every turn until it is
 * over (requests sent into it only earn longer ones): those waiting and those asked for
 * meanwhile fail with a `FloodWaitError` of the time left, so that core's retry policy
 * decides for each as for the refused one (the source throws it, the engine sleeps).
 * Waiting turns are granted round-robin by chat.
 */
export function createPacer(clock: Clock, options: PacingOptions = {}): Pacer {
  const minRate = 1000 / (options.maxIntervalMs ?? 5000);
  const margin = options.margin ?? 0.01;
  const probe = options.probe ?? 0.000002;
  const ramp = options.ramp ?? 3;
  const estimate = createRateEstimate();
  let phase: 'free' | 'search' | 'paced' = 'free';
  let rate = Number.POSITIVE_INFINITY;
  // The client-side bucket; it goes below zero when requests overlap.
  let capacity = 1;
  let tokens = 0;
  let refilledAt = clock.now();
  let heldUntil = 0;
  // Requests in send order: `seq` tells what was sent before a refusal.
  let seq = 0;
  const inFlight = new Map<number, number>();
  // The stretch since the last refusal: send times of the accepted requests.
  let accepted: number[] = [];
  let lastRefusal: { seq: number; at: number; learnedAt: number } | undefined;
  let lastSent: number | undefined;
  let lastAccepted: number | undefined;
  let learnedAt = 0;
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
  // Round trip of accepted requests (send to answer), smoothed.
  let rttMs: number | undefined;

  const refill = (now: number) => {
    if (now > refilledAt) tokens = Math.min(capacity, tokens + (rate * (now - refilledAt)) / 1000);
    refilledAt = Math.max(refilledAt, now);
  };
  const setRate = (next: number) => {
    rate = Math.min(MAX_RATE, Math.max(minRate, next));
  };
  const known = (): LearnedRate | undefined =>
    estimate.rate === undefined
      ? undefined
      : {
          requestsPerSecond: estimate.rate,
          burst: estimate.burst ?? 1,
          learnedAt,
          basisSec: estimate.basisSec,
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

  const onAccepted = (at: number, crowded: boolean) => {
    if (crowded && phase !== 'paced' && ++filled >= WINDOW_GROWTH) {
      window++;
      filled = 0;
      // Before the first flood wait, the stretch that measures the burst starts again: the
      // narrower window kept the pace under the limit (the bucket full), the wider one may
      // not, and only a stretch that outran the limit from a full bucket measures it.
      if (phase === 'free') {
        accepted = [];
        lastAccepted = undefined;
      }
    }
    // Nearly always the newest: requests overlap only when turns do.
    let i = accepted.length;
    while (i > 0 && accepted[i - 1]! > at) i--;
    accepted.splice(i, 0, at);
    if (accepted.length > MAX_REMEMBERED) accepted.splice(0, accepted.length - MAX_REMEMBERED);
    const previous = lastAccepted ?? at;
    lastAccepted = Math.max(previous, at);
    if (phase === 'free') return;
    // Growth follows time spent sending at the pace, not requests: a burst sent back to
    // back says nothing about the pace, and an idle hour must not raise it.
    const busySec = Math.min(Math.max(0, at - previous), 2000 / rate) / 1000;
    if (phase === 'search') setRate(rate * Math.exp((climbing ? ramp / 10 : ramp) * busySec));
    else if (raised(at)) {
      phase = 'search';
      climbing = true;
    } else setRate(rate * (1 + Math.max(probe, (estimate.uncertainty / SETTLE_SEC) * busySec)));
  };

  /**
   * More accepted since the stretch began than the estimated bucket could have let through:
   * the limit rose. The pace then grows as while searching (a tenth as fast) until a flood
   * wait measures the new limit: one wait, instead of one per percent of creeping.
   */
  const raised = (at: number) => {
    const learned = estimate.rate;
    const first = accepted[0];
    if (learned === undefined || first === undefined || at <= first) return false;
    const sent = accepted.length - 1 - (estimate.burst ?? 1);
    return sent / ((at - first) / 1000) > learned * (1 + margin);
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
    estimate.add({ accepted, refusedMs: sent.at, previousRefusalMs: lastRefusal?.at });
    accepted = [];
    lastAccepted = undefined;
    lastRefusal = { ...sent, learnedAt: now };
    reopening = 0;
    climbing = false;
    window = Math.max(1, Math.floor(window / 2));
    filled = 0;
    const refused = phase === 'free' ? Number.POSITIVE_INFINITY : rate;
    const learned = estimate.rate;
    if (learned !== undefined) {
      phase = 'paced';
      // Under by the margin and by what the estimate may be off.
      setRate(Math.min(learned, refused) / (1 + margin + estimate.uncertainty));
      capacity = Math.max(1, (estimate.burst ?? 1) - 1);
      learnedAt = now;
      const rate = known();
      if (rate) options.onEstimate?.(rate);
    } else {
      // Still searching: from what the first stretch achieved, wait included, or half the
      // refused pace.
      phase = 'search';
      const floor = estimate.floor(seconds * 1000) ?? minRate;
      setRate(refused === Number.POSITIVE_INFINITY ? floor : Math.max(floor, refused / 2));
      // Half the burst: measured from a run that took time, it may be too high (far too high
      // when the window spread it out), so no more than the window either.
      capacity = Math.max(1, Math.min(Math.floor((estimate.burst ?? 2) / 2), window));
    }
    tokens = 0;
    refilledAt = now;
  };

  const grant = (now: number, contended: boolean): PacedTurn => {
    if (phase === 'free') {
      // A pause long enough for the server's bucket to fill starts the first stretch again.
      if (lastSent !== undefined && now - lastSent >= REFILL_GAP_MS && inFlight.size === 0) {
        accepted = [];
        lastAccepted = undefined;
      }
    } else {
      refill(now);
      tokens -= 1;
    }
    lastSent = now;
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
        if (inFlight.delete(sent.seq)) onAccepted(sent.at, crowded);
        const rtt = clock.now() - sent.at;
        rttMs = rttMs === undefined ? rtt : rttMs * 0.9 + rtt * 0.1;
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
      estimate.prime(learned);
      phase = 'paced';
      learnedAt = learned.learnedAt;
      setRate(learned.requestsPerSecond / (1 + margin));
      capacity = Math.max(1, learned.burst - 1);
      // A restarted process finds the account rested: the previous one stopped a while ago.
      refilledAt = clock.now();
      tokens = capacity;
    },
  };
  if (options.initial) pacer.prime(options.initial);
  return pacer;
}
