import { type ChatRef, type Discussion, TgfetchError } from '@tgfetch/core';
import { Api } from 'telegram';
import { type Invoke, rememberEntities } from './entities.js';
import { TelegramErrorCode } from './error-codes.js';
import { markedId } from './ids.js';
import type { PeerCache } from './peer-cache.js';
import type { ResolvedChat } from './resolve.js';

/** A broadcast channel and the discussion group its comments live in. */
export interface LinkedGroup {
  channel: Api.InputPeerChannel;
  /** The channel, canonical. */
  channelRef: ChatRef;
  group: Api.InputPeerChannel;
  /** The group, canonical (its marked id). */
  groupRef: ChatRef;
  /** The group's newest message id when it was found: where a walk of it ends. */
  top: number;
}

export type DiscussionAnswer = Exclude<Discussion, { status: 'linked' }> | LinkedAnswer;
type LinkedAnswer = { status: 'linked'; chat: ChatRef; link: LinkedGroup };

/**
 * Where a channel's comments are. Telegram links a broadcast channel to its discussion
 * group in `channels.getFullChannel` (`linked_chat_id`, the group among its `chats`); a
 * supergroup's own `linked_chat_id` points back at its channel, so only a broadcast
 * channel's link counts. The group is then asked for its newest message (a page of one),
 * which both tells whether this account may read it and bounds a later walk.
 */
export async function findDiscussion(
  resolved: ResolvedChat,
  invoke: Invoke,
  cache: PeerCache,
): Promise<DiscussionAnswer> {
  const channel = resolved.input;
  if (!(channel instanceof Api.InputPeerChannel) || resolved.megagroup) return { status: 'none' };
  const full = await invoke(
    new Api.channels.GetFullChannel({
      channel: new Api.InputChannel({
        channelId: channel.channelId,
        accessHash: channel.accessHash,
      }),
    }),
  );
  await rememberEntities(cache, full);
  const info = full.fullChat;
  const self = full.chats.find((c) => c instanceof Api.Channel && c.id.equals(channel.channelId));
  if (!(info instanceof Api.ChannelFull) || !(self instanceof Api.Channel) || !self.broadcast) {
    return { status: 'none' };
  }
  if (!info.linkedChatId) return { status: 'none' };
  const groupRef = markedId('channel', info.linkedChatId);
  const entity = full.chats.find((c) => 'id' in c && c.id.equals(info.linkedChatId!));
  // A group the account was banned from comes as channelForbidden; one it only sees as a
  // `min` entity (no access hash) cannot be addressed either.
  if (!(entity instanceof Api.Channel) || !entity.accessHash) {
    return { status: 'private', chat: groupRef, reason: TelegramErrorCode.CHAT_PRIVATE };
  }
  const group = new Api.InputPeerChannel({
    channelId: entity.id,
    accessHash: entity.accessHash,
  });
  let top: number;
  try {
    const page = await invoke(
      new Api.messages.GetHistory({
        peer: group,
        offsetId: 0,
        offsetDate: 0,
        addOffset: 0,
        limit: 1,
        maxId: 0,
        minId: 0,
      }),
    );
    top = 'messages' in page ? Math.max(0, ...page.messages.map((m) => m.id)) : 0;
  } catch (error) {
    if (error instanceof TgfetchError && error.code === TelegramErrorCode.CHAT_PRIVATE) {
      return { status: 'private', chat: groupRef, reason: error.code };
    }
    throw error;
  }
  return {
    status: 'linked',
    chat: groupRef,
    link: { channel, channelRef: resolved.ref, group, groupRef, top },
  };
}
