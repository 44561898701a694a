/**
 * The message JSON of the wire contract (DESIGN.md, "Messages and files"). Sources map
 * their own message objects to this; stores write it as is. Ids that may exceed 2^53
 * (users, channels, albums, documents) are `number` while safe and a decimal `string`
 * beyond, so nothing is rounded.
 */

/** A 64-bit Telegram id: a number while it is a safe integer, else its exact decimal string. */
export type BigId = number | string;

export interface TgEntity {
  /** Telegram's entity kind in snake case: `url`, `bold`, `mention`, `text_link`, … */
  type: string;
  offset: number;
  length: number;
  url?: string;
  user_id?: BigId;
  language?: string;
  custom_emoji_id?: string;
  /** A blockquote shown collapsed. */
  collapsed?: boolean;
}

/** Which kind of peer an id belongs to: user 777 and channel 777 are different peers. */
export type TgPeerKind = 'user' | 'chat' | 'channel';

/** A peer (sender, forward origin, source chat) with its kind and raw (unmarked) id. */
export interface TgPeer {
  kind: TgPeerKind;
  id: BigId;
}

/**
 * Where a forwarded message came from: a user or chat (`from`), a channel post
 * (`from` + `channel_post`), a sender who hides their account (`from_name` only), a message
 * saved to Saved Messages (`saved_from`), or history imported from another app (`imported`).
 */
export interface TgForward {
  /** Raw id of `from` (kept for readers of the first contract). */
  from_id?: BigId | null;
  from?: TgPeer | null;
  from_name?: string | null;
  date?: string | null;
  channel_post?: number | null;
  post_author?: string | null;
  /** Where a message saved to Saved Messages came from (exports may give only its name). */
  saved_from?: { peer?: TgPeer; name?: string; message_id: number | null } | null;
  imported?: boolean;
}

/** A reply to a message of another chat: `reply_to` stays null, this says where it points. */
export interface TgReplyToPeer {
  peer: TgPeer;
  message_id: number | null;
}

/**
 * A comment: a message of a channel's discussion group (stored under the group's own
 * identity), naming the channel post whose thread it is in.
 */
export interface TgCommentOf {
  /** The channel, canonical (its marked id: `-100…`). */
  chat: string;
  /** The post's id in the channel; null when the source cannot tell (an export of the group alone). */
  id: number | null;
  /** The id, in the group, of the post's copy that opens the thread (what the comment replies under). */
  thread?: number;
}

/** A channel post whose comments live in a discussion group. */
export interface TgPostComments {
  /** The discussion group, canonical (its marked id: `-100…`). */
  chat: string;
  /** Comments as Telegram counted them when the post was last read. */
  count: number;
}

export interface TgMedia {
  /** `photo`, `document`, `video`, `audio`, `voice`, `sticker`, `animation`, `poll`, `geo`, `contact`, `webpage`, … */
  kind: string;
  id?: BigId;
  mime_type?: string;
  size?: number;
  file_name?: string;
  duration?: number;
  width?: number;
  height?: number;
  url?: string;
  title?: string;
  /** Kind-specific details (coordinates, poll answers, contact names…). */
  [extra: string]: unknown;
}

export interface TgReaction {
  /** The emoji, or `custom:<document id>` for a custom emoji, or `paid`. */
  reaction: string;
  count: number;
}

export interface TgMessage {
  id: number;
  /** ISO-8601 UTC, seconds precision: `2025-11-07T10:23:45Z`. */
  date: string;
  chat: string;
  /** `message` for posts and chat messages, `service` for joins, pins, title changes… */
  type?: 'message' | 'service';
  /** Raw id of `from` (kept for readers of the first contract). */
  from_id?: BigId | null;
  /** The sender wherever Telegram identifies one: a user, or a chat/channel posting as itself. */
  from?: TgPeer | null;
  /**
   * The peer the message belongs to when it is not the chat itself (a basic group's history
   * before it became this supergroup). Its `id` is unique only within that peer.
   */
  peer?: TgPeer;
  text: string;
  /** Id of the replied message in this chat (a reply into another chat has `reply_to_peer`). */
  reply_to?: number | null;
  reply_to_peer?: TgReplyToPeer | null;
  views?: number | null;
  forwards?: number | null;
  replies_count?: number | null;
  entities?: TgEntity[];
  edit_date?: string | null;
  forward?: TgForward | null;
  media?: TgMedia | null;
  grouped_id?: BigId | null;
  post_author?: string | null;
  topic_id?: number | null;
  action?: { type: string; [key: string]: unknown } | null;
  reactions?: TgReaction[];
  /** A comment of a channel post (this message is in the post's discussion group). */
  comment_of?: TgCommentOf;
  /** A channel post with a comment thread: where its comments are, and how many. */
  comments?: TgPostComments;
  /**
   * A tombstone: the message was deleted in Telegram after it was stored. It stays in its
   * day (never silently removed), with what was last known of it; once set, no later copy
   * clears it (see `mergeMessage`).
   */
  deleted?: true;
  /** When the deletion was seen, ISO-8601 UTC with seconds (Telegram does not say when). */
  deleted_at?: string;
  [extra: string]: unknown;
}

/** Epoch milliseconds of a message's `date`. */
export function messageTime(message: Pick<TgMessage, 'date'>): number {
  return Date.parse(message.date);
}

/** Formats epoch seconds or milliseconds as the contract's `YYYY-MM-DDTHH:mm:ssZ`. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** What makes a message unique in a chat's files: its peer (absent = the chat) and its id. */
export function messageKey(message: Pick<TgMessage, 'id' | 'peer'>): string {
  return message.peer ? `${message.peer.kind}:${message.peer.id}:${message.id}` : `${message.id}`;
}

/**
 * File order: messages of an earlier peer (a migrated group's history, all older than the
 * chat's own) first, each peer's messages by id.
 */
export function compareMessages(
  a: Pick<TgMessage, 'id' | 'peer'>,
  b: Pick<TgMessage, 'id' | 'peer'>,
): number {
  const pa = a.peer ? `${a.peer.kind}:${a.peer.id}` : '';
  const pb = b.peer ? `${b.peer.kind}:${b.peer.id}` : '';
  if (pa !== pb) {
    if (pa === '') return 1;
    if (pb === '') return -1;
    return pa < pb ? -1 : 1;
  }
  return a.id - b.id;
}

/**
 * Merges a fresh fetch of a day into what a store already holds: one copy per peer and id
 * (`messageKey`), in file order (`compareMessages`), each message seen again merged with
 * its stored copy by `mergeMessage`. Stored messages the fresh fetch lacks stay (a message
 * deleted since keeps its tombstone, whatever a re-fetch of its day returns).
 */
export function mergeMessages(
  stored: readonly TgMessage[],
  fresh: readonly TgMessage[],
): TgMessage[] {
  const byKey = new Map<string, TgMessage>();
  for (const m of stored) byKey.set(messageKey(m), m);
  for (const m of fresh) {
    const key = messageKey(m);
    const old = byKey.get(key);
    byKey.set(key, old ? mergeMessage(old, m) : m);
  }
  return [...byKey.values()].sort(compareMessages);
}

/**
 * One message seen again: the fresh copy replaces the stored one unless the stored copy
 * carries a later edit (a re-run never undoes an edit it already saw). A tombstone is
 * sticky: when either copy is deleted the result is, with the earliest `deleted_at`, so a
 * re-fetch from a snapshot taken before the deletion (or a late `new`) never revives it.
 * Returns one of its arguments when nothing needs combining.
 */
export function mergeMessage(stored: TgMessage, fresh: TgMessage): TgMessage {
  const winner = editTime(stored) > editTime(fresh) ? stored : fresh;
  if (stored.deleted !== true && fresh.deleted !== true) return winner;
  const deletedAt = earliest(deletionTime(stored), deletionTime(fresh));
  if (winner.deleted === true && winner.deleted_at === deletedAt) return winner;
  const { deleted_at: _, ...rest } = winner;
  return { ...rest, deleted: true, ...(deletedAt === undefined ? {} : { deleted_at: deletedAt }) };
}

/** The message marked deleted as seen at `at` (epoch ms); an earlier deletion stands. */
export function tombstone(message: TgMessage, at: number): TgMessage {
  return mergeMessage(message, { ...message, deleted: true, deleted_at: isoSeconds(at) });
}

function editTime(m: TgMessage): number {
  return m.edit_date ? Date.parse(m.edit_date) : 0;
}

function deletionTime(m: TgMessage): string | undefined {
  return m.deleted === true && typeof m.deleted_at === 'string' ? m.deleted_at : undefined;
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
}
