import {
  createMemoryEventSink,
  createMemoryProgress,
  createMemoryStore,
  createVirtualClock,
  FloodWaitError,
  parseCommand,
  runFetch,
  type TgMessage,
  TransientError,
} from '@tgfetch/core';
import { describe, expect, it } from 'vitest';
import type { FloodWaitNotice } from './source.js';
import { createSimulatedSource } from './testing/index.js';

const DAY = 86_400_000;

describe('flood waits and faults in the middle of a walk', () => {
  it('throws a core FloodWaitError mid-walk and resumes with beforeId without gaps or repeats', async () => {
    const clock = createVirtualClock();
    const notices: (FloodWaitNotice & { at: number })[] = [];
    const source = createSimulatedSource({
      clock,
      historyDays: 30,
      messagesPerDay: 60,
      rateLimit: { requestsPerSecond: 1, burst: 4 },
      pacing: false,
      onFloodWait: (n) => notices.push({ ...n, at: clock.now() }),
    });
    const chat = source.telegram.chat('busy_group');
    const request = { chat: chat.chat, from: clock.now() - 20 * DAY, to: clock.now() };
    const expected = chat
      .messages(request)
      .map((m) => m.id)
      .reverse();

    const got: TgMessage[] = [];
    let beforeId: number | undefined;
    let floods = 0;
    for (;;) {
      try {
        const resume = beforeId === undefined ? request : { ...request, beforeId };
        for await (const m of source.messages(resume, new AbortController().signal)) {
          got.push(m);
          beforeId = m.id;
        }
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(FloodWaitError);
        floods++;
        clock.advance((error as FloodWaitError).seconds * 1000);
      }
    }
    expect(floods).toBeGreaterThan(0);
    expect(got.length).toBeGreaterThan(400);
    expect(got.map((m) => m.id)).toEqual(expected);
    expect(notices.length).toBe(floods);
    expect(notices[0]).toMatchObject({ chat: '@busy_group', request: 'messages.GetHistory' });
    for (const n of notices) expect(n.until).toBe(n.at + n.seconds * 1000);
    await source.close();
  });

  it('runFetch completes over a rate-limited, faulty simulated Telegram in virtual time', async () => {
    const clock = createVirtualClock();
    const source = createSimulatedSource({
      clock,
      historyDays: 60,
      messagesPerDay: 80,
      rateLimit: { requestsPerSecond: 0.5, burst: 3 },
      faults: { every: 7, error: 'TIMEOUT', methods: ['messages.GetHistory'] },
    });
    const chat = source.telegram.chat('archive');
    const parsed = parseCommand(
      { command: 'fetch', chat: '@archive', mode: 'days', days: 10, strategy: 'batch' },
      { now: clock.now() },
    );
    if (!parsed.ok) throw parsed.error;
    const store = createMemoryStore();
    const outcome = await runFetch(
      parsed.command,
      { source, store, progress: createMemoryProgress(), events: createMemoryEventSink() },
      { clock, random: () => 0.5 },
    );
    expect(outcome.event).toBe('completed');
    const stored = store.days().flatMap((d) => d.messages.map((m) => m.id));
    const days = store
      .days()
      .map((d) => d.date)
      .sort();
    const from = Date.parse(`${days[0]}T00:00:00Z`);
    const to = Date.parse(`${days[days.length - 1]}T00:00:00Z`) + DAY;
    const expected = chat.messages({ from, to }).map((m) => m.id);
    expect(days.length).toBe(10);
    expect(stored.sort((a, b) => a - b)).toEqual(expected);
    expect(source.telegram.stats.floodWaits).toBeGreaterThan(0);
    expect(source.telegram.stats.faults).toBeGreaterThan(0);
    await source.close();
  });

  it('turns injected disconnects and 500s into transient errors', async () => {
    for (const error of ['DISCONNECT', 'INTERNAL', 'TIMEOUT'] as const) {
      const source = createSimulatedSource({ historyDays: 3, faults: { every: 2, error } });
      const chat = source.telegram.chat('flaky');
      const failure = await (async () => {
        for await (const _ of source.messages(
          { chat: chat.chat, from: 0, to: Date.now() },
          new AbortController().signal,
        )) {
          // drain
        }
      })().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TransientError);
      await source.close();
    }
  });

  it('answers clients that keep pushing during a wait with longer waits', async () => {
    const clock = createVirtualClock();
    const source = createSimulatedSource({
      clock,
      historyDays: 3,
      rateLimit: { requestsPerSecond: 1, burst: 1 },
      pacing: false,
    });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      await (async () => {
        for await (const _ of source.messages(
          { chat: '@pushy', from: 0, to: clock.now() },
          new AbortController().signal,
        )) {
          // drain
        }
      })().catch((e: unknown) => {
        if (e instanceof FloodWaitError) waits.push(e.seconds);
        else throw e;
      });
    }
    expect(waits.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < waits.length; i++) expect(waits[i]!).toBeGreaterThan(waits[i - 1]!);
    await source.close();
  });
});
