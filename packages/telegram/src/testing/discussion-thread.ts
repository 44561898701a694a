import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';

type Id = string | number;
const channelPeer = (id: Id) => new Api.PeerChannel({ channelId: returnBigInt(id) });

/**
 * Messages of a channel with a discussion group, as Telegram sends them: a post with its
 * `replies` (comments in the group), the group's automatic copy of it (forwarded from the
 * channel, `channel_post` and `saved_from_*` naming the post), and comments replying under
 * the copy (`reply_to_msg_id` the copy, or another comment with `reply_to_top_id` the copy).
 */
export interface PostSpec {
  channelId: Id;
  groupId: Id;
  id: number;
  /** Epoch seconds. */
  date: number;
  text?: string;
  /** Comments Telegram counts for it. @default 0 */
  replies?: number;
  /** Id of the newest comment in the group. */
  maxId?: number;
  editDate?: number;
}

export function channelPost(spec: PostSpec): Api.Message {
  return new Api.Message({
    id: spec.id,
    peerId: channelPeer(spec.channelId),
    date: spec.date,
    message: spec.text ?? `post ${spec.id}`,
    post: true,
    views: 100,
    // One flag carries both: a views without forwards would not serialise.
    forwards: 0,
    ...(spec.editDate ? { editDate: spec.editDate } : {}),
    replies: new Api.MessageReplies({
      comments: true,
      replies: spec.replies ?? 0,
      repliesPts: 1,
      channelId: returnBigInt(spec.groupId),
      ...(spec.maxId ? { maxId: spec.maxId, readMaxId: spec.maxId } : {}),
    }),
  });
}

export interface CopySpec {
  channelId: Id;
  groupId: Id;
  /** Its id in the group. */
  id: number;
  /** The post it copies. */
  post: number;
  /** Epoch seconds (the post's, or a second later). */
  date: number;
  text?: string;
}

export function discussionCopy(spec: CopySpec): Api.Message {
  return new Api.Message({
    id: spec.id,
    peerId: channelPeer(spec.groupId),
    fromId: channelPeer(spec.channelId),
    date: spec.date,
    message: spec.text ?? `post ${spec.post}`,
    fwdFrom: new Api.MessageFwdHeader({
      fromId: channelPeer(spec.channelId),
      date: spec.date,
      channelPost: spec.post,
      savedFromPeer: channelPeer(spec.channelId),
      savedFromMsgId: spec.post,
    }),
  });
}

export interface CommentSpec {
  groupId: Id;
  id: number;
  /** The copy that opens the thread. */
  thread: number;
  /** Another comment it answers (then `reply_to_top_id` is the thread). */
  replyTo?: number;
  date: number;
  userId?: Id;
  text?: string;
  editDate?: number;
}

export function discussionComment(spec: CommentSpec): Api.Message {
  const nested = spec.replyTo !== undefined && spec.replyTo !== spec.thread;
  return new Api.Message({
    id: spec.id,
    peerId: channelPeer(spec.groupId),
    fromId: new Api.PeerUser({ userId: returnBigInt(spec.userId ?? 4242) }),
    date: spec.date,
    message: spec.text ?? `comment ${spec.id}`,
    ...(spec.editDate ? { editDate: spec.editDate } : {}),
    replyTo: new Api.MessageReplyHeader({
      replyToMsgId: nested ? spec.replyTo! : spec.thread,
      ...(nested ? { replyToTopId: spec.thread } : {}),
    }),
  });
}

/** The post a group message is the copy of, if it is one. */
export function copiedPost(message: Api.TypeMessage, channelId: Id): number | undefined {
  if (!(message instanceof Api.Message) || !message.fwdFrom?.channelPost) return undefined;
  const from = message.fwdFrom.savedFromPeer ?? message.fwdFrom.fromId;
  if (!(from instanceof Api.PeerChannel) || String(from.channelId) !== String(channelId)) {
    return undefined;
  }
  return message.fwdFrom.savedFromMsgId ?? message.fwdFrom.channelPost;
}

/** The top of the thread a group message replies in, if any. */
export function threadTop(message: Api.TypeMessage): number | undefined {
  if (!(message instanceof Api.Message)) return undefined;
  const reply = message.replyTo;
  if (!(reply instanceof Api.MessageReplyHeader)) return undefined;
  return reply.replyToTopId ?? reply.replyToMsgId;
}
