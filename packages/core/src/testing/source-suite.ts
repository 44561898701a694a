import { describe, expect, it } from 'vitest';
import { TgfetchError } from '../errors.js';
import { messageTime, type TgMessage } from '../message.js';
import type { HistoryRequest, MessageSource } from '../ports.js';

export interface SourceFixture {
  source: MessageSource;
  /** A chat the source knows. */
  chat: string;
  /** Every message of that chat the source will serve (any order). */
  messages: readonly TgMessage[];
  cleanup?: () => Promise<void>;
}

async function collect(
  source: MessageSource,
  request: HistoryRequest,
  signal = new AbortController().signal,
) {
  const out: TgMessage[] = [];
  for await (const m of source.messages(request, signal)) out.push(m);
  return out;
}

function expected(all: readonly TgMessage[], r: Omit<HistoryRequest, 'chat'>): number[] {
  const ids = all
    .filter((m) => messageTime(m) >= r.from && messageTime(m) < r.to)
    .filter((m) => r.beforeId === undefined || m.id < r.beforeId)
    .map((m) => m.id)
    .sort((a, b) => b - a);
  return r.limit === undefined ? ids : ids.slice(0, r.limit);
}

/**
 * The `MessageSource` contract, for any adapter: range bounds, newest-first order,
 * resuming with `beforeId`, `limit`, empty ranges, canonical names, unknown chats and abort.
 */
export function describeMessageSource(
  name: string,
  setup: () => Promise<SourceFixture>,
  options: { unknownChat?: string } = {},
): void {
  describe(`MessageSource conformance: ${name}`, () => {
    const withFixture = (fn: (f: SourceFixture) => Promise<void>) => async () => {
      const fixture = await setup();
      try {
        await fn(fixture);
      } finally {
        await fixture.cleanup?.();
      }
    };
    const span = (all: readonly TgMessage[]) => {
      const times = all.map(messageTime).sort((a, b) => a - b);
      return { min: times[0] ?? 0, max: times[times.length - 1] ?? 0 };
    };

    it(
      'serves exactly the messages of a range, newest first',
      withFixture(async ({ source, chat, messages }) => {
        expect(messages.length).toBeGreaterThan(10);
        const { min, max } = span(messages);
        const from = min + Math.floor((max - min) / 4);
        const to = min + Math.floor(((max - min) * 3) / 4);
        const got = await collect(source, { chat, from, to });
        expect(got.map((m) => m.id)).toEqual(expected(messages, { from, to }));
      }),
    );

    it(
      'serves the whole history for a range that covers it',
      withFixture(async ({ source, chat, messages }) => {
        const { min, max } = span(messages);
        const got = await collect(source, { chat, from: min, to: max + 1 });
        expect(got.length).toBe(messages.length);
        expect(new Set(got.map((m) => m.id)).size).toBe(got.length);
      }),
    );

    it(
      'resumes below beforeId without gaps or repeats',
      withFixture(async ({ source, chat, messages }) => {
        const { min, max } = span(messages);
        const all = await collect(source, { chat, from: min, to: max + 1 });
        const pivot = all[Math.floor(all.length / 2)]!.id;
        const rest = await collect(source, { chat, from: min, to: max + 1, beforeId: pivot });
        expect(rest.map((m) => m.id)).toEqual(all.filter((m) => m.id < pivot).map((m) => m.id));
      }),
    );

    it(
      'stops at limit',
      withFixture(async ({ source, chat, messages }) => {
        const { min, max } = span(messages);
        const got = await collect(source, { chat, from: min, to: max + 1, limit: 3 });
        expect(got.map((m) => m.id)).toEqual(
          expected(messages, { from: min, to: max + 1, limit: 3 }),
        );
      }),
    );

    it(
      'serves nothing for a range with no messages',
      withFixture(async ({ source, chat, messages }) => {
        const { min } = span(messages);
        const got = await collect(source, {
          chat,
          from: min - 10 * 86_400_000,
          to: min - 9 * 86_400_000,
        });
        expect(got).toEqual([]);
      }),
    );

    it(
      'gives every message the contract fields',
      withFixture(async ({ source, chat, messages }) => {
        const { min, max } = span(messages);
        const got = await collect(source, { chat, from: min, to: max + 1, limit: 50 });
        for (const m of got) {
          expect(Number.isSafeInteger(m.id)).toBe(true);
          expect(m.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
          expect(typeof m.text).toBe('string');
          expect(typeof m.chat).toBe('string');
        }
      }),
    );

    it(
      'stops when the signal aborts',
      withFixture(async ({ source, chat, messages }) => {
        const { min, max } = span(messages);
        const controller = new AbortController();
        let seen = 0;
        try {
          for await (const _ of source.messages(
            { chat, from: min, to: max + 1 },
            controller.signal,
          )) {
            seen++;
            if (seen === 2) controller.abort();
          }
        } catch (error) {
          expect(error).toBeInstanceOf(TgfetchError);
          expect((error as TgfetchError).code).toBe('ABORTED');
        }
        expect(seen).toBeLessThanOrEqual(3);
      }),
    );

    it(
      'names a chat canonically, and serves it under that name too (when it can name chats)',
      withFixture(async ({ source, chat, messages }) => {
        if (!source.resolveChat) return;
        const signal = new AbortController().signal;
        const canonical = await source.resolveChat(chat, signal);
        expect(await source.resolveChat(canonical, signal)).toBe(canonical);
        const got = await collect(source, { chat: canonical, from: 0, to: Date.now() });
        expect(got.map((m) => m.id)).toEqual(expected(messages, { from: 0, to: Date.now() }));
      }),
    );

    const { unknownChat } = options;
    // Some sources (a simulated Telegram) know every chat; they pass no `unknownChat`.
    if (unknownChat !== undefined) {
      it(
        'fails an unknown chat with a non-retryable error',
        withFixture(async ({ source }) => {
          const request = { chat: unknownChat, from: 0, to: Date.now() };
          const error = await collect(source, request).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(TgfetchError);
          expect((error as TgfetchError).retryable).toBe(false);
          if (source.resolveChat) {
            const naming = await source
              .resolveChat(unknownChat, new AbortController().signal)
              .catch((e: unknown) => e);
            expect(naming).toBeInstanceOf(TgfetchError);
            expect((naming as TgfetchError).retryable).toBe(false);
          }
        }),
      );
    }
  });
}
