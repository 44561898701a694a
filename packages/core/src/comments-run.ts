import { applyChanges } from './apply-changes.js';
import type { MessageChange } from './changes.js';
import type { ChatRef } from './chat.js';
import type { DayComments } from './day.js';
import { AbortError, toTgfetchError } from './errors.js';
import { messageTime, type TgMessage } from './message.js';
import type {
  ChatLock,
  Clock,
  CommentedPost,
  Discussion,
  MessageSource,
  MessageStore,
  ProgressStore,
} from './ports.js';
import type { IsoDate } from './time-zone.js';

/** A day of the command that is stored, and whether this run read its posts. */
export interface StoredPostDay {
  date: IsoDate;
  /** Its posts were read by this run (their counts are current). */
  fetched: boolean;
}

export interface CommentsRunContext {
  /** The channel, canonical. */
  chat: ChatRef;
  /** The command's zone (the channel's; a group holding nothing yet gets it too). */
  timeZone: string;
  days: readonly StoredPostDay[];
  source: MessageSource;
  store: MessageStore;
  progress: ProgressStore;
  lock?: ChatLock | undefined;
  clock: Clock;
  signal: AbortSignal;
  /** The engine's retry policy: waits, or throws the error when it says not to retry. */
  backOff(error: unknown, attempt: number): Promise<void>;
  /** Counts a failed attempt in the command's `errors`. */
  failed(): void;
}

/**
 * Reads the comments of the posts of a command's stored days, after the posts: the
 * comments go to the discussion group's own days (merged by id, in the group's zone, as
 * changes: a day they alone made stays partial), posts read again for their count go to
 * their days, and each post day gets its comments record (`DayComments`). The command
 * never fails because of comments: a source that reads none, a channel without a group, a
 * group this account cannot read, a group held elsewhere, or a read that keeps failing
 * (the store's failures while applying comments included) is what the record says. Only
 * an abort, and a store that cannot write the records themselves, end the command here.
 */
export async function readComments(context: CommentsRunContext): Promise<void> {
  const { source, days, clock } = context;
  if (days.length === 0) return;
  const readAt = new Date(clock.now()).toISOString();
  if (!source.discussion || !source.comments) {
    await recordAll(context, { status: 'none' });
    return;
  }
  let discussion: Discussion;
  try {
    discussion = await withRetries(context, () => source.discussion!(context.chat, context.signal));
  } catch (error) {
    await recordAll(context, partial(readAt, error, 0));
    return;
  }
  if (discussion.status === 'none') return recordAll(context, { status: 'none' });
  if (discussion.status === 'private') {
    return recordAll(context, {
      status: 'private',
      ...(discussion.chat === undefined ? {} : { chat: discussion.chat }),
      reason: discussion.reason,
    });
  }
  const group = discussion.chat;
  let release: (() => Promise<void>) | undefined;
  try {
    release = await context.lock?.acquire(group, context.signal);
  } catch (error) {
    // The group held elsewhere (a lock that does not wait says CHAT_BUSY): the posts stay
    // stored, the days say why their comments were not read.
    checkAbort(context.signal);
    await recordAll(context, { ...partial(readAt, error, 0), chat: group });
    return;
  }
  try {
    await readLinked(context, group, readAt);
  } finally {
    await release?.();
  }
}

async function readLinked(context: CommentsRunContext, group: ChatRef, readAt: string) {
  const posts = await postsOf(context, group);
  /** Comment ids seen per post: the count each day records. */
  const seen = new Map<number, Set<number>>(posts.map((p) => [p.post.id, new Set<number>()]));
  const wanted = posts.map((p) => p.post);
  let outcome: DayComments;
  try {
    if (wanted.length > 0) {
      await withRetries(context, async () => {
        for await (const batch of context.source.comments!(
          { chat: context.chat, posts: wanted },
          context.signal,
        )) {
          checkAbort(context.signal);
          await applyBatch(context, group, batch.comments, batch.posts, seen);
        }
      });
    }
    outcome = { status: 'complete', chat: group, read_at: readAt };
  } catch (error) {
    checkAbort(context.signal);
    outcome = { ...partial(readAt, error, 0), chat: group };
  }
  for (const day of context.days) {
    const count = posts
      .filter((p) => p.date === day.date)
      .reduce((sum, p) => sum + (seen.get(p.post.id)?.size ?? 0), 0);
    await record(context, day.date, { ...outcome, count });
  }
}

/**
 * The posts of the days that can have comments in `group`: those Telegram gave a thread
 * there (`comments`), and, stored before posts carried it, those it counted replies of.
 */
async function postsOf(context: CommentsRunContext, group: ChatRef) {
  const out: Array<{ date: IsoDate; post: CommentedPost }> = [];
  for (const day of context.days) {
    const stored = await context.store.readDay(context.chat, day.date);
    for (const m of stored?.messages ?? []) {
      if (m.peer !== undefined || m.deleted === true || m.type === 'service') continue;
      const thread = m.comments ? m.comments.chat === group : typeof m.replies_count === 'number';
      if (!thread) continue;
      const post: CommentedPost = { id: m.id, date: messageTime(m) };
      if (day.fetched) post.replies = m.comments?.count ?? m.replies_count ?? 0;
      out.push({ date: day.date, post });
    }
  }
  return out;
}

async function applyBatch(
  context: CommentsRunContext,
  group: ChatRef,
  comments: readonly TgMessage[],
  posts: readonly TgMessage[],
  seen: Map<number, Set<number>>,
): Promise<void> {
  const changes: MessageChange[] = [];
  for (const comment of comments) {
    const of = comment.comment_of;
    if (!of || of.chat !== context.chat || of.id === null) continue;
    const ids = seen.get(of.id);
    if (!ids) continue;
    ids.add(comment.id);
    changes.push({ kind: 'new', chat: group, message: { ...comment, chat: group } });
  }
  for (const post of posts) {
    if (post.peer !== undefined || !seen.has(post.id)) continue;
    changes.push({ kind: 'edited', chat: context.chat, message: { ...post, chat: context.chat } });
  }
  if (changes.length === 0) return;
  await applyChanges({ store: context.store, progress: context.progress }, changes, {
    timeZone: context.timeZone,
    clock: context.clock,
  });
}

/** Runs `fn` under the engine's retry policy; throws what it says not to retry. */
async function withRetries<T>(context: CommentsRunContext, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      checkAbort(context.signal);
      if (error instanceof AbortError) throw error;
      context.failed();
      await context.backOff(error, attempt);
    }
  }
}

function partial(readAt: string, error: unknown, count: number): DayComments {
  return { status: 'partial', read_at: readAt, count, reason: toTgfetchError(error).code };
}

async function recordAll(context: CommentsRunContext, comments: DayComments): Promise<void> {
  for (const day of context.days) await record(context, day.date, comments);
}

/**
 * Writes a day's comments record. The day is written again with no messages, so its
 * messages, count, `complete` and `fetched_at` stay as stored, and its progress record
 * stays true.
 */
async function record(context: CommentsRunContext, date: IsoDate, comments: DayComments) {
  const stored = await context.store.readDay(context.chat, date);
  if (!stored) return;
  await context.store.writeDay({
    chat: context.chat,
    date,
    time_zone: stored.time_zone,
    fetched_at: stored.fetched_at,
    complete: stored.complete,
    count: 0,
    messages: [],
    comments,
  });
}

function checkAbort(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortError();
}
