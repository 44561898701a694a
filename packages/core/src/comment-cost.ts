/**
 * The two ways to read the comments of a command's posts, and what each costs in requests,
 * so that a source takes the cheaper one:
 *
 * - `replies`: one thread at a time (Telegram's `messages.getReplies`), for each post that
 *   has comments, a page per `pageSize` comments: Σ ceil(repliesᵢ / pageSize);
 * - `walk`: the discussion group's history once, from the first post's copy to now, a page
 *   per `pageSize` messages whatever they are: ceil(groupMessagesSince / pageSize).
 *
 * A group busy with other talk makes the walk dear; many posts with a few comments each
 * make the threads dear.
 */
export interface CommentCostInput {
  /** Comments of each post as last counted (posts without any cost nothing). */
  replies: readonly number[];
  /** Messages of the discussion group from the first post's copy to now (an estimate is fine). */
  groupMessagesSince: number;
  /** Messages per request. @default 100 (Telegram's largest page) */
  pageSize?: number;
}

export interface CommentCost {
  /** Requests to read every thread on its own. */
  replies: number;
  /** Requests to walk the group's history. */
  walk: number;
  /** The cheaper way (threads when equal: they read nothing but comments). */
  cheaper: 'replies' | 'walk';
  /** The requests the cheaper way takes. */
  requests: number;
}

export function commentReadCost(input: CommentCostInput): CommentCost {
  const page = input.pageSize ?? 100;
  if (!Number.isSafeInteger(page) || page < 1) throw new TypeError('pageSize must be >= 1');
  let replies = 0;
  for (const n of input.replies) if (n > 0) replies += Math.ceil(n / page);
  const walk = Math.ceil(Math.max(0, input.groupMessagesSince) / page);
  const cheaper = walk < replies ? 'walk' : 'replies';
  return { replies, walk, cheaper, requests: cheaper === 'walk' ? walk : replies };
}
