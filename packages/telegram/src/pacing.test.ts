import {
  createMemoryEventSink,
  createMemoryProgress,
  createMemoryRateMemory,
  createVirtualClock,
  type DayDocument,
  parseCommand,
  type RateMemory,
  runFetch,
} from '@tgfetch/core';
import { describe, expect, it } from 'vitest';
import { createSimulatedSource, type RateLimitOptions } from './testing/index.js';

const DAY = 86_400_000;

/**
 * The pacing benchmark's fetch (50,000 messages from a rate-limited simulated Telegram
 * through `runFetch`, default pacing) in virtual time, so flood waits and spacing cost
 * nothing real and the counts are exact.
 */
async function fetchPaced(rateLimit: RateLimitOptions, messages: number, rateMemory?: RateMemory) {
  const clock = createVirtualClock(Date.parse('2026-01-01T00:00:00Z'));
  const days = Math.ceil((messages * 1.2) / 1000);
  const source = createSimulatedSource({
    clock,
    historyDays: days,
    messagesPerDay: 1000,
    rateLimit,
    ...(rateMemory ? { rateMemory } : {}),
  });
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const parsed = parseCommand(
    {
      command: 'fetch',
      chat: '@paced',
      mode: 'range',
      from: iso(clock.now() - days * DAY),
      to: iso(clock.now() - DAY),
      strategy: 'batch',
      limit: messages,
    },
    { now: clock.now(), timeZone: 'UTC' },
  );
  if (!parsed.ok) throw parsed.error;
  let stored = 0;
  const store = {
    writeDay: async (day: DayDocument) => {
      stored += day.messages.length;
      return { count: day.messages.length, location: '' };
    },
    readDay: async () => undefined,
  };
  const start = clock.now();
  const outcome = await runFetch(
    parsed.command,
    { source, store, progress: createMemoryProgress(), events: createMemoryEventSink() },
    { clock, random: () => 0.5 },
  );
  const { stats } = source.telegram;
  await source.close();
  // One ResolveUsername and one page per 100 messages (and the account asked once, with a
  // rate memory); `burst` go at once, then 1/rate s each.
  const fewest = 1 + Math.ceil(messages / 100) + (rateMemory ? 1 : 0);
  return {
    outcome,
    stored,
    floodWaits: stats.floodWaits,
    seconds: (clock.now() - start) / 1000,
    ideal: (fewest - rateLimit.burst) / rateLimit.requestsPerSecond,
  };
}

describe('pacing a fetch against a rate-limited Telegram (virtual time)', () => {
  it('fetches 50,000 messages at 50 req/s with at most 3 flood waits, within 1.3× the ideal', async () => {
    const run = await fetchPaced({ requestsPerSecond: 50, burst: 10 }, 50_000);
    expect(run.outcome.event).toBe('completed');
    expect(run.stored).toBe(50_000);
    expect(run.floodWaits).toBeLessThanOrEqual(3);
    // Learning a rate takes two flood waits (the first only measures the burst), and each
    // costs its 1 s less the 0.2 s that refill the burst: 1.17× is the floor at this size.
    expect(run.seconds).toBeLessThanOrEqual(run.ideal * 1.3);
  });

  it('fetches 50,000 messages at 10 req/s within 1.11× the ideal', async () => {
    const run = await fetchPaced({ requestsPerSecond: 10, burst: 10 }, 50_000);
    expect(run.stored).toBe(50_000);
    expect(run.floodWaits).toBeLessThanOrEqual(4);
    expect(run.seconds).toBeLessThanOrEqual(run.ideal * 1.11);
  });

  it('starts a second source of the account at the rate the first learned: no flood wait, 98% of the ideal', async () => {
    const memory = createMemoryRateMemory();
    const limit = { requestsPerSecond: 50, burst: 10 };
    const first = await fetchPaced(limit, 50_000, memory);
    expect(first.floodWaits).toBeGreaterThanOrEqual(2);
    const learned = await memory.load('777000001');
    expect(learned?.requestsPerSecond).toBeGreaterThan(48);
    expect(learned?.requestsPerSecond).toBeLessThan(51);
    const second = await fetchPaced(limit, 50_000, memory);
    expect(second.stored).toBe(50_000);
    expect(second.floodWaits).toBe(0);
    expect(second.ideal / second.seconds).toBeGreaterThanOrEqual(0.98);
  });
});
