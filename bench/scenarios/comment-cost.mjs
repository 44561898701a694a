import {
  commentReadCost,
  createMemoryEventSink,
  createMemoryProgress,
  createMemoryStore,
  runFetch,
} from '@tgfetch/core';
import { createSimulatedSource } from '@tgfetch/telegram/testing';
import { childMain, runChild } from '../lib/child.mjs';
import { rangeCommand } from '../lib/command.mjs';

/**
 * Comment cost: Telegram requests to read the comments of a month of a channel's posts,
 * counted by the simulated Telegram, against the two ways' formulas computed from what the
 * simulation holds: Σ ceil(repliesᵢ / 100) thread by thread, and ceil(group messages since
 * the first post / 100) walking the discussion group. Two channels, each making one way
 * the cheaper. Counts are deterministic (seeded), so one run of each is enough.
 */

const DAY = 86_400_000;
const CHAT = '@bench_comments';

export const title = 'Comment cost: requests to read a month of comments';

export function params(smoke) {
  const cases = [
    // An old month of a channel whose group talks a lot: walking it to now is dear.
    { name: 'old month, busy group', endDaysAgo: 100, perDay: 20, comments: 5, chatter: 30 },
    // Last month of a channel with many posts and a few comments each: threads are dear.
    { name: 'last month, many posts', endDaysAgo: 1, perDay: 100, comments: 3, chatter: 0 },
  ];
  return smoke
    ? {
        historyDays: 40,
        rangeDays: 5,
        cases: cases.map((c) => ({ ...c, endDaysAgo: Math.min(c.endDaysAgo, 20) })),
      }
    : { historyDays: 200, rangeDays: 30, cases };
}

export async function run(smoke) {
  const p = params(smoke);
  const result = await runChild(import.meta.url, 'count', p);
  const rows = [];
  for (const c of result.cases) {
    const cheaper = Math.min(c.replies, c.walk);
    const dearer = Math.max(c.replies, c.walk);
    rows.push(
      {
        metric: `${c.name}: requests for ${c.comments.toLocaleString('en-US')} comments of ${c.posts.toLocaleString('en-US')} posts (took ${c.took})`,
        ours: c.requests,
        reference: cheaper,
        referenceName: c.replies <= c.walk ? 'Σ ceil(replies / 100)' : 'ceil(group messages / 100)',
        ratio: c.requests / cheaper,
        target: '≤ 1.1× the cheaper formula',
        met: c.requests <= cheaper * 1.1,
      },
      {
        metric: `${c.name}: the same against the other way`,
        ours: c.requests,
        reference: dearer,
        referenceName: c.replies <= c.walk ? 'ceil(group messages / 100)' : 'Σ ceil(replies / 100)',
        ratio: c.requests / dearer,
        target: '',
        met: undefined,
      },
    );
  }
  return { params: p, summary: result, rows };
}

async function count(p) {
  const end = Math.floor(Date.now() / DAY) * DAY;
  const cases = [];
  for (const c of p.cases) {
    const to = end - (c.endDaysAgo - 1) * DAY;
    const from = to - p.rangeDays * DAY;
    const options = {
      now: end,
      historyDays: p.historyDays,
      messagesPerDay: c.perDay,
      chatKind: () => 'channel',
      discussions: () => ({ commentsPerPost: c.comments, chatterPerPost: c.chatter }),
      pacing: false,
    };
    let way;
    const fetch = async (comments) => {
      const source = createSimulatedSource({
        ...options,
        onCommentRead: (plan) => {
          way = plan.cheaper;
        },
      });
      const store = createMemoryStore();
      const command = rangeCommand(CHAT, from, to, 'batch');
      const ports = {
        source,
        store,
        progress: createMemoryProgress(),
        events: createMemoryEventSink(),
      };
      source.telegram.resetStats();
      const outcome = await runFetch(
        { ...command, options: { ...command.options, comments } },
        ports,
        {},
      );
      if (outcome.event !== 'completed') throw new Error(`the fetch ${outcome.event}`);
      return { source, store, requests: source.telegram.stats.requests };
    };
    const plain = await fetch(false);
    const withComments = await fetch(true);
    // The formulas from what the simulation holds, not from what the source estimated.
    const chat = withComments.source.telegram.chat(CHAT);
    const group = chat.discussion;
    const posts = withComments.store
      .days()
      .filter((d) => d.chat === chat.markedId)
      .flatMap((d) => d.messages)
      .filter((m) => m.type !== 'service')
      .sort((a, b) => a.id - b.id);
    const replies = posts.map((m) => group.replies(m.id));
    const first = posts.find((m) => group.replies(m.id) > 0);
    const cost = commentReadCost({
      replies,
      groupMessagesSince: first ? group.messagesFrom(first.id) : 0,
    });
    const stored = withComments.store.days().filter((d) => d.chat === group.chat);
    const comments = stored.reduce((n, d) => n + d.messages.length, 0);
    const expected = replies.reduce((a, b) => a + b, 0);
    if (comments !== expected)
      throw new Error(`stored ${comments} comments, the posts have ${expected}`);
    cases.push({
      name: c.name,
      posts: posts.length,
      comments,
      replies: cost.replies,
      walk: cost.walk,
      took: way === 'walk' ? 'a walk of the group' : 'thread by thread',
      // Everything the comments cost: the link, the probe, the first copy, the reads.
      requests: withComments.requests - plain.requests,
    });
  }
  return { historyDays: p.historyDays, rangeDays: p.rangeDays, cases };
}

await childMain(import.meta.url, { count });
