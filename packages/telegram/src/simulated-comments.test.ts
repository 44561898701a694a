import {
  createMemoryEventSink,
  createMemoryProgress,
  createMemoryStore,
  createVirtualClock,
  parseCommand,
  runFetch,
} from '@tgfetch/core';
import { describe, expect, it } from 'vitest';
import type { CommentReadPlan } from './comments.js';
import { createSimulatedSource } from './testing/index.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');

function fetchDays(chat: string, days: number) {
  const parsed = parseCommand(
    { command: 'fetch', chat, mode: 'days', days, options: { comments: true } },
    { now: NOW },
  );
  if (!parsed.ok) throw parsed.error;
  return parsed.command;
}

async function read(discussion: { commentsPerPost: number; chatterPerPost: number }, days: number) {
  const plans: CommentReadPlan[] = [];
  const source = createSimulatedSource({
    now: NOW,
    historyDays: 60,
    messagesPerDay: 30,
    chatKind: () => 'channel',
    discussions: () => discussion,
    pacing: false,
    onCommentRead: (p) => plans.push(p),
  });
  const chat = source.telegram.chat('talky');
  const store = createMemoryStore();
  const command = fetchDays('@talky', days);
  const outcome = await runFetch(
    command,
    { source, store, progress: createMemoryProgress(), events: createMemoryEventSink() },
    { clock: createVirtualClock(NOW) },
  );
  expect(outcome.event).toBe('completed');
  return { source, chat, store, plans, stats: source.telegram.stats };
}

describe('the simulated Telegram with discussion groups', () => {
  it('serves every comment of the posts read, under the group, whichever way is cheaper', async () => {
    for (const [discussion, way] of [
      [{ commentsPerPost: 2, chatterPerPost: 0 }, 'walk'],
      [{ commentsPerPost: 4, chatterPerPost: 200 }, 'replies'],
    ] as const) {
      const t = await read(discussion, 3);
      expect(t.plans[0]?.cheaper).toBe(way);
      const group = t.chat.discussion!;
      const posts = t.store
        .days()
        .filter((d) => d.chat === t.chat.markedId)
        .flatMap((d) => d.messages);
      const expected = posts.flatMap((p) => group.commentIds(p.id)).sort((a, b) => a - b);
      const stored = t.store
        .days()
        .filter((d) => d.chat === group.chat)
        .flatMap((d) => d.messages)
        .map((m) => m.id)
        .sort((a, b) => a - b);
      expect(stored).toEqual(expected);
      expect(posts.every((p) => p.type === 'service' || p.comments?.chat === group.chat)).toBe(
        true,
      );
      // Requests of the cheaper way: within one page of its formula.
      const spent = way === 'walk' ? t.stats.groupHistory - 1 : t.stats.getReplies;
      expect(spent).toBeLessThanOrEqual(Math.min(t.plans[0]!.walk, t.plans[0]!.replies) + 1);
    }
  });
});
