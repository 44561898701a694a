import { FloodWaitError, type LearnedRate } from '@tgfetch/core';
import { describe, expect, it } from 'vitest';
import { createPacer, type PacedTurn } from './pacer.js';
import { createRateLimiter, type RateLimitOptions } from './testing/rate-limit.js';
import { createTimeline, type Timeline } from './testing-fixtures/timeline.js';

interface SharedRun {
  seconds: number;
  floodWaits: number;
  /** Requests each chat got through. */
  shares: number[];
}

/**
 * `chats` chats at once through one pacer to one account's token bucket, in virtual time,
 * until `requests` went through in all: each chat sends, waits `latencyMs` for the answer
 * (Telegram takes the token on arrival), then `workMs` for its own work; a refused request,
 * and a turn refused while the account is held, is retried after the wait plus the engine's
 * mean jitter (5%).
 */
async function shared(
  limit: RateLimitOptions,
  options: {
    chats: number;
    requests: number;
    latencyMs?: number;
    workMs?: number;
    initial?: LearnedRate;
  },
): Promise<SharedRun> {
  const clock: Timeline = createTimeline();
  const pacer = createPacer(clock, options.initial ? { initial: options.initial } : {});
  const server = createRateLimiter(limit);
  const signal = new AbortController().signal;
  const shares = Array.from({ length: options.chats }, () => 0);
  let done = 0;
  let floodWaits = 0;
  let finished: number | undefined;
  const chat = async (i: number) => {
    while (done < options.requests) {
      let turn: PacedTurn;
      try {
        turn = await pacer.turn(`@chat_${i}`, signal);
      } catch (error) {
        // The account is held: the engine sleeps the time left, with its jitter.
        if (!(error instanceof FloodWaitError)) throw error;
        await clock.sleep(error.seconds * 1050);
        continue;
      }
      const seconds = server.take(clock.now());
      if (options.latencyMs) await clock.sleep(options.latencyMs);
      if (seconds === undefined) {
        turn.accepted();
        done++;
        shares[i]!++;
        if (done === options.requests) finished = clock.now();
        if (options.workMs) await clock.sleep(options.workMs);
      } else {
        turn.refused(seconds);
        floodWaits++;
        await clock.sleep(seconds * 1050);
      }
    }
  };
  const start = clock.now();
  await clock.run(Promise.all(shares.map((_, i) => chat(i))));
  // Turns granted before the last request was counted still go: the time is the count's.
  return { seconds: ((finished ?? clock.now()) - start) / 1000, floodWaits, shares };
}

const LIMIT: RateLimitOptions = { requestsPerSecond: 50, burst: 10 };
/** A rate learned before, as a long fetch leaves it: a little under the limit, and sure. */
const LEARNED: LearnedRate = { requestsPerSecond: 49.9, burst: 10, learnedAt: 0, basisSec: 100 };
const ideal = (requests: number) => (requests - LIMIT.burst) / LIMIT.requestsPerSecond;

describe('one pacer shared by the chats of an account (virtual time)', () => {
  it('keeps 1, 10 and 100 chats at once within 5% of the ideal, flood waits not growing', async () => {
    const requests = 20_000;
    const runs = [];
    for (const chats of [1, 10, 100]) {
      const run = await shared(LIMIT, { chats, requests, workMs: 2 });
      runs.push(run);
      expect(ideal(requests) / run.seconds).toBeGreaterThanOrEqual(0.95);
      // No chat below half a fair share.
      expect(Math.min(...run.shares)).toBeGreaterThanOrEqual(requests / chats / 2);
    }
    const [one, , hundred] = runs;
    expect(hundred!.floodWaits).toBeLessThanOrEqual(one!.floodWaits + 2);
  });

  it('starts 100 chats at a learned rate: no flood wait, 98% of the ideal, fair shares', async () => {
    const requests = 2_000;
    const run = await shared(LIMIT, {
      chats: 100,
      requests,
      workMs: 2,
      initial: LEARNED,
    });
    expect(run.floodWaits).toBe(0);
    expect(ideal(requests) / run.seconds).toBeGreaterThanOrEqual(0.98);
    expect(Math.min(...run.shares)).toBeGreaterThanOrEqual(requests / 100 / 2);
  });

  it('keeps answers that take time from multiplying flood waits: held turns, one request first', async () => {
    // 40 ms to answer: at 50 req/s two requests are under way when one is refused, and each
    // sent into a flood wait earns a longer one. A single chat cannot fill the limit (one
    // request a round trip); twenty can.
    const requests = 10_000;
    const alone = await shared(LIMIT, { chats: 1, requests, latencyMs: 40 });
    const many = await shared(LIMIT, { chats: 20, requests, latencyMs: 40 });
    expect(alone.floodWaits).toBe(0);
    expect(many.seconds).toBeLessThan(alone.seconds * 0.6);
    expect(ideal(requests) / many.seconds).toBeGreaterThanOrEqual(0.8);
    // Each flood wait met by at most the two requests then under way.
    expect(many.floodWaits).toBeLessThanOrEqual(3 * (requests / 2000 + 2));
    expect(Math.min(...many.shares)).toBeGreaterThanOrEqual(requests / 20 / 2);
    // With the rate known beforehand, only probing above it is refused.
    const primed = await shared(LIMIT, {
      chats: 20,
      requests,
      latencyMs: 40,
      initial: LEARNED,
    });
    expect(ideal(requests) / primed.seconds).toBeGreaterThanOrEqual(0.95);
    expect(primed.floodWaits).toBeLessThanOrEqual(3);
  });

  it('serves waiting chats round-robin: a chat with many requests waiting does not starve one', async () => {
    const clock = createTimeline();
    const pacer = createPacer(clock, {
      initial: { requestsPerSecond: 10, burst: 1, learnedAt: 0 },
    });
    const signal = new AbortController().signal;
    const order: string[] = [];
    const take = async (chat: string) => {
      (await pacer.turn(chat, signal)).accepted();
      order.push(chat);
    };
    // Five of @busy's requests queue before @quiet's one.
    const all = [1, 2, 3, 4, 5].map(() => take('@busy'));
    all.push(take('@quiet'));
    await clock.run(Promise.all(all));
    expect(order.indexOf('@quiet')).toBeLessThanOrEqual(2);
  });
});
