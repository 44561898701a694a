import {
  createMemoryEventSink,
  createMemoryProgress,
  createMemoryStore,
  createVirtualClock,
  type DayComments,
  type MemoryStore,
  parseCommand,
  runFetch,
  type TgMessage,
} from '@tgfetch/core';
import { Api } from 'telegram';
import { describe, expect, it } from 'vitest';
import type { CommentReadPlan } from './comments.js';
import { createTelegramSource } from './source.js';
import { channelPost, discussionComment, discussionCopy } from './testing/discussion-thread.js';
import { telegramError } from './testing/faults.js';
import { createScriptedAccount, type ScriptedChannel } from './testing/scripted-account.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');
const CHANNEL_ID = 1_900_000_001;
const GROUP_ID = 1_900_000_002;
const CHANNEL = `-100${CHANNEL_ID}`;
const GROUP = `-100${GROUP_ID}`;
const DAY = 86_400;
const NOV5 = Date.parse('2025-11-05T00:00:00Z') / 1000;

interface Plan {
  /** Comments per post, in post order, `perDay` posts a day from Nov 5 on. */
  comments: number[];
  /** @default 3 (06:00, 12:00, 18:00) */
  perDay?: number;
  /** Messages of plain talk in the group after each post (no thread). */
  chatter: number;
}

/**
 * A channel with a discussion group, built as Telegram numbers it: group ids in time order,
 * each post's copy a second after the post, its comments (every third one an answer to the
 * comment before, under the same thread) spread over the next hours, talk in between.
 */
function world(plan: Plan) {
  const posts: Api.Message[] = [];
  const events: Array<{ date: number; make: (id: number) => Api.Message }> = [];
  const copyIds = new Map<number, number>();
  plan.comments.forEach((count, i) => {
    const id = 10 + i;
    const perDay = plan.perDay ?? 3;
    const slot = Math.floor((18 * 3600) / perDay);
    const date = NOV5 + Math.floor(i / perDay) * DAY + 6 * 3600 + (i % perDay) * slot;
    posts.push(channelPost({ channelId: CHANNEL_ID, groupId: GROUP_ID, id, date, replies: count }));
    events.push({
      date: date + 1,
      make: (gid) => {
        copyIds.set(id, gid);
        return discussionCopy({
          channelId: CHANNEL_ID,
          groupId: GROUP_ID,
          id: gid,
          post: id,
          date: date + 1,
        });
      },
    });
    let previous: number | undefined;
    for (let k = 0; k < count; k++) {
      events.push({
        date: date + 60 + k * 7,
        make: (gid) => {
          const thread = copyIds.get(id)!;
          const answer = k % 3 === 2 ? previous : undefined;
          previous = gid;
          return discussionComment({
            groupId: GROUP_ID,
            id: gid,
            thread,
            ...(answer === undefined ? {} : { replyTo: answer }),
            date: date + 60 + k * 7,
            text: `on ${id} #${k}`,
          });
        },
      });
    }
    for (let k = 0; k < plan.chatter; k++) {
      events.push({
        date: date + 30 + k * 11,
        make: (gid) =>
          discussionComment({ groupId: GROUP_ID, id: gid, thread: 1, date: date + 30 + k * 11 }),
      });
    }
  });
  events.sort((a, b) => a.date - b.date);
  // Group id 1 is the group's creation: plain talk "replies" to it, so it is no post's thread.
  const group: Api.Message[] = events.map((e, i) => e.make(i + 2));
  const channel: ScriptedChannel = {
    id: CHANNEL_ID,
    accessHash: 71,
    username: 'newsroom',
    linkedChatId: GROUP_ID,
    messages: posts,
  };
  const discussion: ScriptedChannel = {
    id: GROUP_ID,
    accessHash: 72,
    megagroup: true,
    linkedChatId: CHANNEL_ID,
    messages: group,
  };
  return { posts, group, channel, discussion, copyIds };
}

function fetchCommand(extra: Record<string, unknown> = {}) {
  const parsed = parseCommand(
    {
      command: 'fetch',
      chat: '@newsroom',
      mode: 'range',
      from: '2025-11-05',
      to: '2025-11-07',
      options: { comments: true },
      ...extra,
    },
    { now: NOW },
  );
  if (!parsed.ok) throw parsed.error;
  return parsed.command;
}

function setup(plan: Plan, over: (w: ReturnType<typeof world>) => void = () => {}) {
  const w = world(plan);
  over(w);
  /** `messages.GetHistory` requests of the group (walk pages and probes of its top). */
  const groupPages = { probes: 0, walk: 0 };
  const account = createScriptedAccount({
    channels: [w.channel, w.discussion],
    before: (request) => {
      if (!(request instanceof Api.messages.GetHistory)) return;
      const peer = request.peer;
      if (!(peer instanceof Api.InputPeerChannel) || !peer.channelId.equals(GROUP_ID)) return;
      if (request.limit === 1) groupPages.probes++;
      else groupPages.walk++;
    },
  });
  const plans: CommentReadPlan[] = [];
  const source = createTelegramSource({
    client: account.client,
    pacing: false,
    onCommentRead: (p) => plans.push(p),
  });
  const store = createMemoryStore();
  const progress = createMemoryProgress();
  const clock = createVirtualClock(NOW);
  const run = (extra: Record<string, unknown> = {}) =>
    runFetch(
      fetchCommand(extra),
      { source, store, progress, events: createMemoryEventSink() },
      { clock, random: () => 0.5 },
    );
  return { ...w, account, source, store, progress, clock, run, plans, groupPages };
}

const groupMessages = (store: MemoryStore) =>
  store
    .days()
    .filter((d) => d.chat === GROUP)
    .flatMap((d) => d.messages)
    .sort((a, b) => a.id - b.id);

/** What the group holds as comments of each post, by id. */
function expectedComments(w: ReturnType<typeof world>) {
  const topToPost = new Map([...w.copyIds].map(([post, copy]) => [copy, post]));
  return w.group
    .filter((m) => {
      const reply = m.replyTo as Api.MessageReplyHeader | undefined;
      const top = reply ? (reply.replyToTopId ?? reply.replyToMsgId) : undefined;
      return top !== undefined && topToPost.has(top);
    })
    .map((m) => {
      const reply = m.replyTo as Api.MessageReplyHeader;
      const top = reply.replyToTopId ?? reply.replyToMsgId!;
      return { id: m.id, post: topToPost.get(top)!, thread: top };
    });
}

const dates = ['2025-11-05', '2025-11-06', '2025-11-07'];
const comments = async (store: MemoryStore) => {
  const out: Record<string, DayComments | undefined> = {};
  for (const date of dates) out[date] = (await store.readDay(CHANNEL, date))?.comments;
  return out;
};

describe('comments of a channel with a discussion group, below gramjs invoke', () => {
  // Nine posts, one with 150 comments (two pages), a quiet one, a group busy with talk.
  const busy: Plan = { comments: [3, 0, 150, 5, 2, 1, 4, 0, 7], chatter: 120 };

  it('reads thread by thread when the group is busy, and stores each comment once under the group', async () => {
    const t = setup(busy);
    const outcome = await t.run();
    expect(outcome.event).toBe('completed');
    expect(t.plans).toHaveLength(1);
    const [plan] = t.plans;
    expect(plan?.cheaper).toBe('replies');
    // Σ ceil(replies / 100) over posts with comments: 1+2+1+1+1+1+1.
    expect(plan?.replies).toBe(8);
    expect(t.account.count('messages.GetReplies')).toBe(plan!.replies);
    // The probe of the group (a page of one) is its only history request.
    expect(t.groupPages).toEqual({ probes: 1, walk: 0 });
    const stored = groupMessages(t.store);
    const expected = expectedComments(t);
    expect(stored.map((m) => m.id)).toEqual(expected.map((e) => e.id));
    expect(stored.map((m) => m.comment_of)).toEqual(
      expected.map((e) => ({ chat: CHANNEL, id: e.post, thread: e.thread })),
    );
    expect(stored.every((m) => m.chat === GROUP && m.from?.kind === 'user')).toBe(true);
    // An answer to a comment replies to that comment, in the post's thread.
    const nested = stored.find((m) => m.reply_to !== m.comment_of?.thread);
    expect(nested?.comment_of?.thread).toBe(t.copyIds.get(nested!.comment_of!.id!));
    const records = await comments(t.store);
    expect(records).toEqual({
      '2025-11-05': {
        status: 'complete',
        chat: GROUP,
        read_at: new Date(NOW).toISOString(),
        count: 153,
      },
      '2025-11-06': {
        status: 'complete',
        chat: GROUP,
        read_at: new Date(NOW).toISOString(),
        count: 8,
      },
      '2025-11-07': {
        status: 'complete',
        chat: GROUP,
        read_at: new Date(NOW).toISOString(),
        count: 11,
      },
    });
    const post = (await t.store.readDay(CHANNEL, '2025-11-05'))?.messages.find((m) => m.id === 12);
    expect(post?.comments).toEqual({ chat: GROUP, count: 150 });
    // The group's days hold only what the comments made of them: never complete.
    expect(
      t.store
        .days()
        .filter((d) => d.chat === GROUP)
        .every((d) => !d.complete),
    ).toBe(true);
  });

  it('walks the group when many posts have a few comments each, and stores the same comments', async () => {
    const quiet: Plan = {
      comments: Array.from({ length: 90 }, (_, i) => 1 + (i % 4)),
      perDay: 30,
      chatter: 0,
    };
    const t = setup(quiet);
    await t.run();
    const [plan] = t.plans;
    expect(plan?.cheaper).toBe('walk');
    expect(plan!.walk).toBeLessThan(plan!.replies);
    expect(t.account.count('messages.GetReplies')).toBe(0);
    expect(t.account.count('messages.GetDiscussionMessage')).toBe(1);
    expect(t.groupPages.probes).toBe(1);
    expect(t.groupPages.walk).toBe(plan!.walk);
    const stored = groupMessages(t.store);
    expect(stored.map((m) => m.id)).toEqual(expectedComments(t).map((e) => e.id));
    expect(new Set(stored.map((m) => m.comment_of?.id)).size).toBe(90);
  });

  it('a re-run refreshes only the comments of complete days: new ones and edits, no duplicates', async () => {
    const t = setup(busy);
    await t.run();
    const historyBefore = t.account.count('messages.GetHistory');
    const probesBefore = t.groupPages.probes;
    // A new comment on post 10, and an edit of one on post 13.
    const copy = t.copyIds.get(10)!;
    const top = Math.max(...t.group.map((m) => m.id));
    t.discussion.messages.push(
      discussionComment({
        groupId: GROUP_ID,
        id: top + 1,
        thread: copy,
        date: NOW / 1000 - 60,
        text: 'late',
      }),
    );
    const target = expectedComments(t).find((e) => e.post === 13)!;
    const index = t.discussion.messages.findIndex((m) => m.id === target.id);
    t.discussion.messages[index] = discussionComment({
      groupId: GROUP_ID,
      id: target.id,
      thread: target.thread,
      date: (t.discussion.messages[index] as Api.Message).date,
      text: 'edited',
      editDate: NOW / 1000 - 30,
    });
    t.channel.messages[0] = channelPost({
      channelId: CHANNEL_ID,
      groupId: GROUP_ID,
      id: 10,
      date: (t.channel.messages[0] as Api.Message).date,
      replies: 4,
    });
    t.clock.advance(3_600_000);
    const again = await t.run();
    expect(again.event).toBe('completed');
    if (again.event === 'completed') expect(again.days.every((d) => d.skipped)).toBe(true);
    // No day of posts walked again: one more probe of the group, nothing of the channel.
    expect(t.account.count('messages.GetHistory')).toBe(historyBefore + 1);
    expect(t.groupPages.probes).toBe(probesBefore + 1);
    expect(t.account.count('channels.GetMessages')).toBe(1);
    const stored = groupMessages(t.store);
    expect(new Set(stored.map((m) => m.id)).size).toBe(stored.length);
    expect(stored.find((m) => m.id === top + 1)).toMatchObject({
      text: 'late',
      comment_of: { id: 10 },
    });
    expect(stored.find((m) => m.id === target.id)?.text).toBe('edited');
    const nov5 = await t.store.readDay(CHANNEL, '2025-11-05');
    expect(nov5?.comments).toMatchObject({ status: 'complete', count: 154 });
    expect(nov5?.messages.find((m) => m.id === 10)?.comments).toEqual({ chat: GROUP, count: 4 });
    expect(nov5?.complete).toBe(true);
    expect((await t.progress.completed(CHANNEL, ['2025-11-05'])).get('2025-11-05')?.count).toBe(3);
  });

  it('stores the posts and says private when the group cannot be read, whether seen or forbidden', async () => {
    for (const access of ['private', 'forbidden'] as const) {
      const t = setup(busy, (w) => {
        w.discussion.access = access;
      });
      const outcome = await t.run();
      expect(outcome.event).toBe('completed');
      expect(outcome.processed).toBe(9);
      expect(await comments(t.store)).toEqual(
        Object.fromEntries(
          dates.map((d) => [d, { status: 'private', chat: GROUP, reason: 'CHAT_PRIVATE' }]),
        ),
      );
      expect(groupMessages(t.store)).toEqual([]);
    }
  });

  it('says none for a channel without a group and for a supergroup, asking nothing more', async () => {
    const t = setup(busy, (w) => {
      delete w.channel.linkedChatId;
    });
    await t.run();
    expect((await comments(t.store))['2025-11-06']).toEqual({ status: 'none' });
    expect(t.account.count('channels.GetFullChannel')).toBe(1);
    expect(t.account.count('messages.GetDiscussionMessage')).toBe(0);

    const g = setup(busy, (w) => {
      w.discussion.username = 'newsroom_chat';
    });
    const outcome = await g.run({ chat: '@newsroom_chat' });
    expect(outcome).toMatchObject({ event: 'completed', chat: GROUP });
    const day = await g.store.readDay(GROUP, '2025-11-05');
    expect(day?.comments).toEqual({ status: 'none' });
    expect(g.account.count('messages.GetReplies')).toBe(0);
    expect(g.plans).toEqual([]);
  });

  it('waits out a flood wait on a thread and reads it all', async () => {
    let thrown = false;
    const w = world(busy);
    const account = createScriptedAccount({
      channels: [w.channel, w.discussion],
      before: (request) => {
        if (!thrown && request instanceof Api.messages.GetReplies) {
          thrown = true;
          throw telegramError('FLOOD_WAIT_7', request);
        }
      },
    });
    const source = createTelegramSource({ client: account.client, pacing: false });
    const store = createMemoryStore();
    const outcome = await runFetch(
      fetchCommand(),
      { source, store, progress: createMemoryProgress(), events: createMemoryEventSink() },
      { clock: createVirtualClock(NOW), random: () => 0.5 },
    );
    expect(thrown).toBe(true);
    expect(outcome).toMatchObject({ event: 'completed', errors: 1 });
    expect(groupMessages(store).map((m) => m.id)).toEqual(expectedComments(w).map((e) => e.id));
  });

  it('keeps comments off unless asked, the days saying so', async () => {
    const t = setup(busy);
    await t.run({ options: {} });
    expect(t.account.count('channels.GetFullChannel')).toBe(0);
    expect((await comments(t.store))['2025-11-07']).toEqual({ status: 'off' });
    const posts: TgMessage[] = (await t.store.readDay(CHANNEL, '2025-11-07'))?.messages ?? [];
    expect(posts.every((p) => p.comments?.chat === GROUP)).toBe(true);
  });
});
