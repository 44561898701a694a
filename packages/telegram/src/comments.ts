import {
  AbortError,
  type CommentedPost,
  type CommentsBatch,
  commentReadCost,
  TgfetchError,
  type TgMessage,
} from '@tgfetch/core';
import { Api } from 'telegram';
import type { LinkedGroup } from './discussion.js';
import { type Invoke, rememberEntities } from './entities.js';
import { PAGE_SIZE } from './history.js';
import { mapMessage } from './map-message.js';
import type { PeerCache } from './peer-cache.js';

export interface CommentReadDeps {
  /** One request, paced, abortable and translated (the source's). */
  invoke: Invoke;
  cache: PeerCache;
  signal: AbortSignal;
  /** Told which way was taken and what each would have cost (benchmarks, tests). */
  onPlan?: (plan: CommentReadPlan) => void;
}

/** How a comments read went about it. */
export interface CommentReadPlan {
  /** Requests threads would take: Σ ceil(replies / 100). */
  replies: number;
  /** Requests a walk of the group would take: ceil(group messages since the first post / 100). */
  walk: number;
  cheaper: 'replies' | 'walk';
}

/**
 * The comments of a channel's posts, as batches (see core's `MessageSource.comments`):
 * posts whose count is not current are read again first (`channels.getMessages`, a request
 * per 100), then the cheaper of two ways reads the rest (`commentReadCost`):
 *
 * - threads: `messages.getReplies` per post with comments, newest first, pages of 100
 *   continued below the smallest id until Telegram's `count` is reached;
 * - a walk of the group upwards from the first post's copy (found with
 *   `messages.getDiscussionMessage`) to the newest message seen when the group was found:
 *   each copy of a post (forwarded from the channel, `channel_post`) opens its thread, and a
 *   message whose thread top (`reply_to_top_id`, else `reply_to_msg_id`) is one is its
 *   comment. Upwards, a copy comes before its comments, so nothing waits in memory.
 *
 * Every comment is the group's message, mapped as the group's and naming its post.
 */
export async function* readComments(
  link: LinkedGroup,
  posts: readonly CommentedPost[],
  deps: CommentReadDeps,
): AsyncGenerator<CommentsBatch> {
  const counts = new Map<number, number>();
  const unknown: number[] = [];
  for (const post of posts) {
    if (post.replies === undefined) unknown.push(post.id);
    else counts.set(post.id, post.replies);
  }
  for (let i = 0; i < unknown.length; i += PAGE_SIZE) {
    const fresh = yield* refreshPosts(link, unknown.slice(i, i + PAGE_SIZE), deps);
    for (const [id, n] of fresh) counts.set(id, n);
  }
  const commented = [...counts].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  if (commented.length === 0) return;
  const copy = await firstCopy(link, commented[0]![0], deps);
  const cost = commentReadCost({
    replies: commented.map(([, n]) => n),
    // Without a copy to start from, or a top below it, there is nothing to walk.
    groupMessagesSince:
      copy === undefined || link.top < copy ? Number.POSITIVE_INFINITY : link.top - copy + 1,
  });
  deps.onPlan?.({ replies: cost.replies, walk: cost.walk, cheaper: cost.cheaper });
  if (cost.cheaper === 'walk' && copy !== undefined) {
    yield* walkGroup(link, copy, new Set(counts.keys()), deps);
    return;
  }
  for (const [id] of commented) yield* thread(link, id, deps);
}

/** The posts read again by id: their fresh copies, and each one's comment count. */
async function* refreshPosts(
  link: LinkedGroup,
  ids: number[],
  deps: CommentReadDeps,
): AsyncGenerator<CommentsBatch, Map<number, number>> {
  checkAbort(deps.signal);
  const answer = await deps.invoke(
    new Api.channels.GetMessages({
      channel: new Api.InputChannel({
        channelId: link.channel.channelId,
        accessHash: link.channel.accessHash,
      }),
      id: ids.map((id) => new Api.InputMessageID({ id })),
    }),
  );
  const counts = new Map<number, number>(ids.map((id) => [id, 0]));
  if (!('messages' in answer)) return counts;
  await rememberEntities(deps.cache, answer);
  const posts: TgMessage[] = [];
  for (const message of answer.messages) {
    if (!(message instanceof Api.Message)) continue;
    const mapped = mapMessage(message, link.channelRef);
    if (mapped) posts.push(mapped);
    if (message.replies?.comments) counts.set(message.id, message.replies.replies);
  }
  yield { comments: [], posts };
  return counts;
}

/**
 * The id of the post's copy in the group (its discussion message; an album's copy is
 * several messages, the first opens the thread), or undefined when Telegram refuses (a post
 * without a thread): then threads are read one by one.
 */
async function firstCopy(
  link: LinkedGroup,
  post: number,
  deps: CommentReadDeps,
): Promise<number | undefined> {
  checkAbort(deps.signal);
  let answer: Api.messages.DiscussionMessage;
  try {
    answer = await deps.invoke(
      new Api.messages.GetDiscussionMessage({ peer: link.channel, msgId: post }),
    );
  } catch (error) {
    if (error instanceof TgfetchError && !error.retryable) return undefined;
    throw error;
  }
  await rememberEntities(deps.cache, answer);
  const inGroup = answer.messages.filter(
    (m) => m.peerId instanceof Api.PeerChannel && m.peerId.channelId.equals(link.group.channelId),
  );
  return inGroup.length === 0 ? undefined : Math.min(...inGroup.map((m) => m.id));
}

/** One post's comments with `messages.getReplies`, newest first, a batch a page. */
async function* thread(
  link: LinkedGroup,
  post: number,
  deps: CommentReadDeps,
): AsyncGenerator<CommentsBatch> {
  let offsetId = 0;
  let seen = 0;
  for (;;) {
    checkAbort(deps.signal);
    const page = await deps.invoke(
      new Api.messages.GetReplies({
        peer: link.channel,
        msgId: post,
        offsetId,
        offsetDate: 0,
        addOffset: 0,
        limit: PAGE_SIZE,
        maxId: 0,
        minId: 0,
      }),
    );
    if (!('messages' in page) || page.messages.length === 0) return;
    await rememberEntities(deps.cache, page);
    const comments: TgMessage[] = [];
    let smallest = Number.POSITIVE_INFINITY;
    for (const message of page.messages) {
      smallest = Math.min(smallest, message.id);
      if (offsetId > 0 && message.id >= offsetId) continue;
      seen++;
      const comment = asComment(message, link, () => post);
      if (comment) comments.push(comment);
    }
    yield { comments, posts: [] };
    const total = 'count' in page ? page.count : Number.POSITIVE_INFINITY;
    // The thread's own count says when it is read; a page that does not go lower ends it too.
    if (seen >= total || (offsetId > 0 && smallest >= offsetId)) return;
    offsetId = smallest;
  }
}

/**
 * The group's history from `from` (the first copy) up to `link.top`, oldest first in pages
 * of 100 (`offset_id` with `add_offset` −100: the messages from that id up).
 */
async function* walkGroup(
  link: LinkedGroup,
  from: number,
  wanted: ReadonlySet<number>,
  deps: CommentReadDeps,
): AsyncGenerator<CommentsBatch> {
  const copies = new Map<number, number>();
  let offsetId = from;
  for (;;) {
    checkAbort(deps.signal);
    const page = await deps.invoke(
      new Api.messages.GetHistory({
        peer: link.group,
        offsetId,
        offsetDate: 0,
        addOffset: -PAGE_SIZE,
        limit: PAGE_SIZE,
        maxId: 0,
        minId: from - 1,
      }),
    );
    if (!('messages' in page)) return;
    const messages = page.messages.filter((m) => m.id >= offsetId).sort((a, b) => a.id - b.id);
    if (messages.length === 0) return;
    await rememberEntities(deps.cache, page);
    const comments: TgMessage[] = [];
    for (const message of messages) {
      const post = copyOf(message, link);
      if (post !== undefined) {
        if (wanted.has(post)) copies.set(message.id, post);
        continue;
      }
      const comment = asComment(message, link, (top) => copies.get(top));
      if (comment) comments.push(comment);
    }
    yield { comments, posts: [] };
    const highest = messages[messages.length - 1]!.id;
    if (highest >= link.top) return;
    offsetId = highest + 1;
  }
}

/** The channel post a group message is the automatic copy of, if it is one. */
function copyOf(message: Api.TypeMessage, link: LinkedGroup): number | undefined {
  if (!(message instanceof Api.Message) || !message.fwdFrom?.channelPost) return undefined;
  const from = message.fwdFrom.savedFromPeer ?? message.fwdFrom.fromId;
  if (!(from instanceof Api.PeerChannel) || !from.channelId.equals(link.channel.channelId)) {
    return undefined;
  }
  return message.fwdFrom.savedFromMsgId ?? message.fwdFrom.channelPost;
}

/**
 * A group message as a comment of the post its thread opens (`postOf` the thread's top
 * id), or undefined for a message of no wanted thread or a service message.
 */
function asComment(
  message: Api.TypeMessage,
  link: LinkedGroup,
  postOf: (top: number) => number | undefined,
): TgMessage | undefined {
  if (!(message instanceof Api.Message)) return undefined;
  const reply = message.replyTo;
  if (!(reply instanceof Api.MessageReplyHeader)) return undefined;
  const top = reply.replyToTopId ?? reply.replyToMsgId;
  if (top === undefined) return undefined;
  const post = postOf(top);
  if (post === undefined) return undefined;
  const mapped = mapMessage(message, link.groupRef);
  if (!mapped) return undefined;
  return { ...mapped, comment_of: { chat: link.channelRef, id: post, thread: top } };
}

function checkAbort(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortError();
}
