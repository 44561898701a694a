import { describe, expect, it } from 'vitest';
import { commentReadCost } from './comment-cost.js';
import { mergeDayComments } from './day.js';
import { runFetch } from './engine.js';
import { commandFor, memoryPorts } from './engine-fixture.js';
import { FatalError, TransientError } from './errors.js';
import type { MemorySourceOptions } from './memory/source.js';
import { isoSeconds, type TgMessage } from './message.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');
const CHANNEL = '-1001000000001';
const GROUP = '-1001000000002';
const HOUR = 3_600_000;
const NOV5 = Date.parse('2025-11-05T00:00:00Z');

/** Posts at 10:00 and 20:00 on Nov 5–7, each with a thread in the group. */
const POSTS: TgMessage[] = [0, 1, 2].flatMap((d) =>
  [10, 20].map((h, i) => {
    const id = 100 + d * 2 + i;
    return {
      id,
      date: isoSeconds(NOV5 + d * 24 * HOUR + h * HOUR),
      chat: CHANNEL,
      type: 'message' as const,
      text: `post ${id}`,
      replies_count: 3,
      comments: { chat: GROUP, count: 3 },
    };
  }),
);

/** Three comments per post, 1, 2 and 5 hours after it (the 20:00 ones cross midnight). */
function comments(posts = POSTS): TgMessage[] {
  return posts.flatMap((post, p) =>
    [1, 2, 5].map((h, k) => ({
      id: 1000 + p * 10 + k,
      date: isoSeconds(Date.parse(post.date) + h * HOUR),
      chat: GROUP,
      type: 'message' as const,
      text: `comment ${k} on ${post.id}`,
      reply_to: 500 + p,
      comment_of: { chat: CHANNEL, id: post.id, thread: 500 + p },
    })),
  );
}

const command = (input: Record<string, unknown>) => commandFor(CHANNEL, NOW, input);
const range = { mode: 'range', from: '2025-11-05', to: '2025-11-07' };

function setup(sourceOptions: MemorySourceOptions = {}, groupMessages = comments()) {
  const t = memoryPorts(CHANNEL, POSTS, NOW, {
    discussions: { [CHANNEL]: GROUP },
    ...sourceOptions,
  });
  t.source.set(GROUP, groupMessages);
  return t;
}

async function groupMessages(t: ReturnType<typeof setup>) {
  return t.store
    .days()
    .filter((d) => d.chat === GROUP)
    .flatMap((d) => d.messages);
}

describe('runFetch with comments', () => {
  it("stores each comment once under the group, in its own day, and records each post day's read", async () => {
    const t = setup();
    const outcome = await runFetch(command({ ...range, options: { comments: true } }), t.ports, {
      ...t.options,
    });
    expect(outcome.event).toBe('completed');
    const stored = await groupMessages(t);
    expect(stored.map((m) => m.id).sort()).toEqual(
      comments()
        .map((m) => m.id)
        .sort(),
    );
    expect(stored.every((m) => m.chat === GROUP && m.comment_of?.chat === CHANNEL)).toBe(true);
    // A comment 5 h after a 20:00 post is written the next day, and stored there.
    const nov8 = await t.store.readDay(GROUP, '2025-11-08');
    expect(nov8?.messages.map((m) => m.comment_of?.id)).toEqual([105]);
    expect(nov8?.complete).toBe(false);
    for (const date of ['2025-11-05', '2025-11-06', '2025-11-07']) {
      const day = await t.store.readDay(CHANNEL, date);
      expect(day?.complete).toBe(true);
      expect(day?.comments).toEqual({
        status: 'complete',
        chat: GROUP,
        read_at: new Date(NOW).toISOString(),
        count: 6,
      });
    }
    // Counts known from this read go with the posts.
    expect(t.source.commentRequests[0]?.posts.every((p) => p.replies === 3)).toBe(true);
    const done = await t.progress.completed(CHANNEL, ['2025-11-05', '2025-11-06', '2025-11-07']);
    expect([...done.values()].map((d) => d.count)).toEqual([2, 2, 2]);
  });

  it('a re-run reads no posts of complete days, adds new comments and edits, and duplicates none', async () => {
    const t = setup();
    const run = () =>
      runFetch(command({ ...range, options: { comments: true } }), t.ports, t.options);
    await run();
    const history = t.source.requests.length;
    const first = comments();
    const edited = { ...first[0]!, text: 'edited', edit_date: isoSeconds(NOW - HOUR) };
    const late: TgMessage = {
      ...first[1]!,
      id: 5000,
      date: isoSeconds(NOW - 2 * HOUR),
      text: 'late comment',
    };
    t.source.set(GROUP, [edited, ...first.slice(1), late]);
    t.clock.advance(HOUR);
    const again = await run();
    expect(again.event).toBe('completed');
    expect(t.source.requests.length).toBe(history);
    if (again.event === 'completed') expect(again.days.every((d) => d.skipped)).toBe(true);
    const stored = await groupMessages(t);
    expect(stored.length).toBe(first.length + 1);
    expect(new Set(stored.map((m) => m.id)).size).toBe(stored.length);
    expect(stored.find((m) => m.id === edited.id)?.text).toBe('edited');
    expect(stored.find((m) => m.id === 5000)?.text).toBe('late comment');
    // Posts of days read earlier: their counts are asked again.
    expect(t.source.commentRequests[1]?.posts.every((p) => p.replies === undefined)).toBe(true);
    const nov5 = await t.store.readDay(CHANNEL, '2025-11-05');
    expect(nov5?.comments).toMatchObject({ status: 'complete', count: 7 });
    expect(nov5?.comments?.read_at).toBe(new Date(NOW + HOUR).toISOString());
    const done = await t.progress.completed(CHANNEL, ['2025-11-05']);
    expect(done.get('2025-11-05')?.count).toBe(2);
  });

  it('without comments, days say off; a later run without them keeps what one with them read', async () => {
    const t = setup();
    await runFetch(command(range), t.ports, t.options);
    expect(t.source.commentRequests).toEqual([]);
    expect((await t.store.readDay(CHANNEL, '2025-11-06'))?.comments).toEqual({ status: 'off' });
    await runFetch(command({ ...range, options: { comments: true } }), t.ports, t.options);
    await runFetch(command({ ...range, options: { force: true } }), t.ports, t.options);
    expect((await t.store.readDay(CHANNEL, '2025-11-06'))?.comments?.status).toBe('complete');
  });

  it("takes the runner's default when the command does not say, and the command's when it does", async () => {
    const t = setup();
    await runFetch(command(range), t.ports, { ...t.options, comments: true });
    expect(t.source.commentRequests.length).toBe(1);
    await runFetch(command({ ...range, options: { comments: false, force: true } }), t.ports, {
      ...t.options,
      comments: true,
    });
    expect(t.source.commentRequests.length).toBe(1);
  });

  it('says none for a channel without a group, and private for a group this account cannot read', async () => {
    const none = memoryPorts(CHANNEL, POSTS, NOW);
    const a = await runFetch(command({ ...range, options: { comments: true } }), none.ports, {
      ...none.options,
    });
    expect(a.event).toBe('completed');
    expect((await none.store.readDay(CHANNEL, '2025-11-05'))?.comments).toEqual({
      status: 'none',
    });
    const hidden = setup({ discussions: { [CHANNEL]: { private: 'CHAT_PRIVATE' } } });
    const b = await runFetch(command({ ...range, options: { comments: true } }), hidden.ports, {
      ...hidden.options,
    });
    expect(b.event).toBe('completed');
    expect((await hidden.store.readDay(CHANNEL, '2025-11-07'))?.comments).toEqual({
      status: 'private',
      reason: 'CHAT_PRIVATE',
    });
    expect(await groupMessages(hidden)).toEqual([]);
  });

  it('retries a transient failure, and records a read that fails for good as partial without failing', async () => {
    let calls = 0;
    const flaky = setup({
      commentsFault: () => (++calls === 3 ? new TransientError('BLIP', 'a blip') : undefined),
    });
    const ok = await runFetch(command({ ...range, options: { comments: true } }), flaky.ports, {
      ...flaky.options,
    });
    expect(ok).toMatchObject({ event: 'completed', errors: 1 });
    expect((await flaky.store.readDay(CHANNEL, '2025-11-05'))?.comments?.status).toBe('complete');
    expect((await groupMessages(flaky)).length).toBe(comments().length);

    const broken = setup({
      commentsFault: (_r, post) => (post === 103 ? new FatalError('NOPE', 'refused') : undefined),
    });
    const done = await runFetch(command({ ...range, options: { comments: true } }), broken.ports, {
      ...broken.options,
    });
    expect(done.event).toBe('completed');
    const nov6 = await broken.store.readDay(CHANNEL, '2025-11-06');
    expect(nov6?.comments).toMatchObject({ status: 'partial', reason: 'NOPE', chat: GROUP });
    expect(nov6?.complete).toBe(true);
  });

  it('holds the group while it writes comments, and says partial when the group is held elsewhere', async () => {
    const t = setup();
    const held: string[] = [];
    const lock = {
      async acquire(chat: string) {
        if (chat === GROUP) throw new TransientError('CHAT_BUSY', `${chat} is busy`);
        held.push(chat);
        return async () => undefined;
      },
    };
    const outcome = await runFetch(
      command({ ...range, options: { comments: true } }),
      { ...t.ports, lock },
      t.options,
    );
    expect(outcome.event).toBe('completed');
    expect(held).toEqual([CHANNEL]);
    expect((await t.store.readDay(CHANNEL, '2025-11-05'))?.comments).toMatchObject({
      status: 'partial',
      chat: GROUP,
      reason: 'CHAT_BUSY',
    });
    expect(await groupMessages(t)).toEqual([]);

    const acquired: string[] = [];
    const free = {
      async acquire(chat: string) {
        acquired.push(chat);
        return async () => undefined;
      },
    };
    await runFetch(
      command({ ...range, options: { comments: true } }),
      { ...t.ports, lock: free },
      t.options,
    );
    expect(acquired).toEqual([CHANNEL, GROUP]);
  });

  it("cuts comments in the group's own zone when the group is stored in another", async () => {
    const t = setup();
    await t.store.writeDay({
      chat: GROUP,
      date: '2025-01-01',
      time_zone: 'Asia/Tokyo',
      fetched_at: new Date(NOW).toISOString(),
      complete: false,
      count: 0,
      messages: [],
    });
    await runFetch(command({ ...range, options: { comments: true } }), t.ports, t.options);
    const group = t.store.days().filter((d) => d.chat === GROUP && d.messages.length > 0);
    expect(group.every((d) => d.time_zone === 'Asia/Tokyo')).toBe(true);
    // The third comment on the first post, 2025-11-05 15:00 UTC, is Nov 6 00:00 in Tokyo.
    const tokyo6 = await t.store.readDay(GROUP, '2025-11-06');
    expect(tokyo6?.messages.map((m) => m.id)).toContain(1002);
    expect(tokyo6?.messages.map((m) => m.id)).not.toContain(1001);
  });
});

describe('commentReadCost', () => {
  it('is Σ ceil(replies/100) thread by thread against ceil(group messages/100) walking', () => {
    expect(commentReadCost({ replies: [0, 1, 100, 101, 250], groupMessagesSince: 2000 })).toEqual({
      replies: 1 + 1 + 2 + 3,
      walk: 20,
      cheaper: 'replies',
      requests: 7,
    });
    const many = commentReadCost({ replies: Array(300).fill(3), groupMessagesSince: 1200 });
    expect(many).toMatchObject({ replies: 300, walk: 12, cheaper: 'walk', requests: 12 });
    expect(commentReadCost({ replies: [], groupMessagesSince: 0 }).requests).toBe(0);
    expect(commentReadCost({ replies: [5], groupMessagesSince: 100 }).cheaper).toBe('replies');
    expect(() => commentReadCost({ replies: [], groupMessagesSince: 1, pageSize: 0 })).toThrow();
  });
});

describe('mergeDayComments', () => {
  it('keeps the stored record for a write that says nothing, or only off', () => {
    const read = { status: 'complete' as const, read_at: '2025-11-08T00:00:00Z', count: 2 };
    expect(mergeDayComments(read, undefined)).toBe(read);
    expect(mergeDayComments(read, { status: 'off' })).toBe(read);
    expect(mergeDayComments(undefined, { status: 'off' })).toEqual({ status: 'off' });
    expect(mergeDayComments(read, { status: 'private', reason: 'X' })).toEqual({
      status: 'private',
      reason: 'X',
    });
  });
});
