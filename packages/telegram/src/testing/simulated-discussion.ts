import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { isServiceId, simulatedUser, USERS_PER_CHAT } from './build-message.js';
import { type ChatPlan, firstId, isDeleted, lastId } from './chat-plan.js';
import type { DateIndex } from './dates.js';
import { discussionComment, discussionCopy } from './discussion-thread.js';
import { hash32, mulberry32 } from './prng.js';

/** How a generated broadcast channel's discussion group talks. */
export interface SimulatedDiscussionOptions {
  /** Mean comments per post (exponential: most posts few, some many). @default 3 */
  commentsPerPost?: number;
  /** Mean messages of plain talk (no thread) after each post. @default 0 */
  chatterPerPost?: number;
}

/**
 * The discussion group of a generated channel, generated from the channel: after each post
 * (not a service message, not deleted) come its copy, its comments and some plain talk, all
 * dated between the post and the next one, so the group's ids grow with time as Telegram's
 * do. Kept per group: two numbers per post (its id and where its block starts).
 */
export interface SimulatedDiscussion {
  group: Api.Channel;
  groupId: string;
  /** Newest id of the group. */
  top: number;
  /** Comments of post `id` (0 for a post without a thread). */
  replies(id: number): number;
  /** The post's `replies` as Telegram sends them on the post. */
  postReplies(id: number): Api.MessageReplies | undefined;
  /** The group's message `id`. */
  message(id: number): Api.Message;
  /** The copy (id) of post `id`, if it has a thread. */
  copyOf(id: number): number | undefined;
  /** The first group id dated at or after `sec` (top + 1 when none). */
  idAtOrAfter(sec: number): number;
}

export function createSimulatedDiscussion(
  plan: ChatPlan,
  dates: DateIndex,
  options: SimulatedDiscussionOptions,
): SimulatedDiscussion {
  const groupId = String(1_900_000_000 + (hash32(plan.seed, 'group') % 90_000_000));
  const accessHash = String(BigInt(hash32(plan.seed, 'group-hash')) << 20n);
  const group = new Api.Channel({
    id: returnBigInt(groupId),
    accessHash: returnBigInt(accessHash),
    title: `${plan.title} chat`,
    photo: new Api.ChatPhotoEmpty(),
    date: plan.startSec,
    megagroup: true,
  });
  const meanComments = options.commentsPerPost ?? 3;
  const meanChatter = options.chatterPerPost ?? 0;
  const draw = (name: string, id: number, mean: number) =>
    mean <= 0 ? 0 : Math.round(-Math.log(1 - mulberry32(hash32(plan.seed, name, id))()) * mean);
  // Posts with a thread in id order, and where each one's block of the group starts.
  const posts: number[] = [];
  const starts: number[] = [];
  const counts: number[] = [];
  let next = 2;
  for (let id = firstId(plan); id <= lastId(plan); id++) {
    if (isDeleted(plan, id) || isServiceId(plan, id)) continue;
    const comments = draw('comments', id, meanComments);
    posts.push(id);
    starts.push(next);
    counts.push(comments);
    next += 1 + comments + draw('chatter', id, meanChatter);
  }
  starts.push(next);
  const top = next - 1;
  const indexOfPost = (id: number) => {
    let lo = 0;
    let hi = posts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (posts[mid] === id) return mid;
      if (posts[mid]! < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  /** The block holding group id `gid`: the last one starting at or before it. */
  const blockOf = (gid: number) => {
    let lo = 0;
    let hi = posts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= gid) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const dateOf = (gid: number) => {
    if (gid < 2 || posts.length === 0) return plan.startSec;
    const b = blockOf(gid);
    const from = dates.dateOf(posts[b]!);
    const until = b + 1 < posts.length ? dates.dateOf(posts[b + 1]!) : plan.endSec;
    const size = starts[b + 1]! - starts[b]!;
    const gap = Math.max(0, until - from - 1);
    return from + Math.floor((gap * (gid - starts[b]!)) / size);
  };
  const groupPeer = () => new Api.PeerChannel({ channelId: returnBigInt(groupId) });

  return {
    group,
    groupId,
    top,
    replies(id) {
      const at = indexOfPost(id);
      return at === -1 ? 0 : counts[at]!;
    },
    postReplies(id) {
      const at = indexOfPost(id);
      if (at === -1) return undefined;
      const n = counts[at]!;
      return new Api.MessageReplies({
        comments: true,
        replies: n,
        repliesPts: 1,
        channelId: returnBigInt(groupId),
        ...(n > 0 ? { maxId: starts[at]! + n, readMaxId: starts[at]! + n } : {}),
      });
    },
    copyOf(id) {
      const at = indexOfPost(id);
      return at === -1 ? undefined : starts[at];
    },
    idAtOrAfter(sec) {
      let lo = 1;
      let hi = top + 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (dateOf(mid) < sec) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
    message(gid) {
      const date = dateOf(gid);
      if (gid < 2 || posts.length === 0) {
        return new Api.Message({ id: gid, peerId: groupPeer(), date, message: 'welcome' });
      }
      const b = blockOf(gid);
      const post = posts[b]!;
      const copy = starts[b]!;
      if (gid === copy) {
        return discussionCopy({
          channelId: plan.channelId,
          groupId,
          id: gid,
          post,
          date,
          text: `post ${post}`,
        });
      }
      const random = mulberry32(hash32(plan.seed, 'group-message', gid));
      const userId = simulatedUser(plan, Math.floor(random() * USERS_PER_CHAT)).id;
      const k = gid - copy;
      if (k > counts[b]!) {
        return new Api.Message({
          id: gid,
          peerId: groupPeer(),
          fromId: new Api.PeerUser({ userId }),
          date,
          message: `talk ${gid}`,
        });
      }
      // Every third comment answers the one before it, in the same thread.
      const answer = k % 3 === 0 && k > 1 ? gid - 1 : undefined;
      return discussionComment({
        groupId,
        id: gid,
        thread: copy,
        ...(answer === undefined ? {} : { replyTo: answer }),
        date,
        userId: String(userId),
        text: `comment ${k} on ${post}`,
      });
    },
  };
}

/**
 * A page of ids `lo..hi` (every id there, none deleted), newest first, by Telegram's offset
 * rule (see `historyPage`): the page starts at offsetFromID + add_offset, offsetFromID
 * being how many of them are ≥ offset_id (or dated at or after offset_date: ids from
 * `fromDate` up; none when both are 0).
 */
export function rangePage(
  lo: number,
  hi: number,
  query: {
    offsetId?: number;
    offsetDate?: number;
    addOffset?: number;
    limit?: number;
    maxId?: number;
    minId?: number;
  },
  fromDate: (sec: number) => number,
  maxPage = 100,
): number[] {
  const n = Math.max(0, hi - lo + 1);
  const count = (from: number) => Math.min(n, Math.max(0, hi - from + 1));
  const offsetId = query.offsetId ?? 0;
  const offsetDate = query.offsetDate ?? 0;
  const before = offsetId > 0 ? count(offsetId) : offsetDate > 0 ? count(fromDate(offsetDate)) : 0;
  const start = Math.max(0, before + (query.addOffset ?? 0));
  const limit = Math.min(query.limit && query.limit > 0 ? query.limit : maxPage, maxPage);
  const maxId = query.maxId ?? 0;
  const minId = query.minId ?? 0;
  const ids: number[] = [];
  for (let i = start; i < Math.min(n, start + limit); i++) {
    const id = hi - i;
    if ((maxId === 0 || id < maxId) && id > minId) ids.push(id);
  }
  return ids;
}
