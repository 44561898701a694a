import { parseChat } from '../chat.js';
import { SourceErrorCode } from '../error-codes.js';
import { coreError } from '../errors.js';
import { messageTime, type TgMessage } from '../message.js';
import type { CommentsRequest, Discussion, HistoryRequest, MessageSource } from '../ports.js';

export interface MemorySourceOptions {
  /**
   * Called before each message is yielded, with how many this call has yielded; a returned
   * error is thrown there. Lets tests put a flood wait or a disconnect mid-walk.
   */
  fault?: (yielded: number, request: HistoryRequest) => unknown;
  /**
   * Discussion groups by channel: the group (a chat of this source) whose messages with a
   * `comment_of` naming the channel are its comments, or a group this account cannot read.
   * A channel not listed has none. @default {}
   */
  discussions?: Record<string, string | { private: string }>;
  /** Called before each comments batch (one per post); a returned error is thrown there. */
  commentsFault?: (request: CommentsRequest, post: number) => unknown;
}

export interface MemorySource extends MessageSource {
  /** The requests received, in order. */
  readonly requests: HistoryRequest[];
  /** The comments requests received, in order. */
  readonly commentRequests: CommentsRequest[];
  /** Adds or replaces a chat's messages. */
  set(chat: string, messages: readonly TgMessage[]): void;
}

/** A source over messages held in memory: for embedding known data and for tests. */
export function createMemorySource(
  chats: Record<string, readonly TgMessage[]> = {},
  options: MemorySourceOptions = {},
): MemorySource {
  const byChat = new Map<string, TgMessage[]>();
  const requests: HistoryRequest[] = [];
  const commentRequests: CommentsRequest[] = [];
  const canonical = (chat: string) => {
    const parsed = parseChat(chat);
    if (!parsed.ok) throw new TypeError(parsed.reason);
    return parsed.chat;
  };
  const discussions = new Map(
    Object.entries(options.discussions ?? {}).map(([channel, group]) => [
      canonical(channel),
      typeof group === 'string' ? canonical(group) : group,
    ]),
  );
  const set = (chat: string, messages: readonly TgMessage[]) => {
    const parsed = parseChat(chat);
    if (!parsed.ok) throw new TypeError(parsed.reason);
    byChat.set(
      parsed.chat,
      [...messages].sort((a, b) => b.id - a.id),
    );
  };
  for (const [chat, messages] of Object.entries(chats)) set(chat, messages);

  return {
    requests,
    commentRequests,
    set,
    async discussion(chat): Promise<Discussion> {
      const group = discussions.get(chat);
      if (group === undefined) return { status: 'none' };
      return typeof group === 'string'
        ? { status: 'linked', chat: group }
        : { status: 'private', reason: group.private };
    },
    async *comments(request, signal) {
      commentRequests.push(request);
      const group = discussions.get(request.chat);
      if (typeof group !== 'string') return;
      const all = byChat.get(group) ?? [];
      for (const post of request.posts) {
        if (signal.aborted) return;
        const fault = options.commentsFault?.(request, post.id);
        if (fault !== undefined) throw fault;
        const comments = all.filter(
          (m) => m.comment_of?.chat === request.chat && m.comment_of.id === post.id,
        );
        yield { comments, posts: [] };
      }
    },
    async *messages(request, signal) {
      requests.push(request);
      const all = byChat.get(request.chat);
      if (!all)
        throw coreError(SourceErrorCode.CHAT_NOT_FOUND, `No chat ${request.chat} in this source`);
      let yielded = 0;
      for (const message of all) {
        if (signal.aborted) return;
        if (request.beforeId !== undefined && message.id >= request.beforeId) continue;
        const time = messageTime(message);
        if (time >= request.to || time < request.from) continue;
        if (request.limit !== undefined && yielded >= request.limit) return;
        const fault = options.fault?.(yielded, request);
        if (fault !== undefined) throw fault;
        yielded++;
        yield message;
      }
    },
  };
}
