import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';

export interface FullChannelOptions {
  /** The basic group it was upgraded from. */
  migratedFrom?: { chatId: string | number; maxId: number } | undefined;
  /** The linked chat: a broadcast channel's discussion group (or a group's channel), sent along in `chats`. */
  linked?: Api.TypeChat | undefined;
}

/**
 * `channels.GetFullChannel`'s answer for a channel: upgraded from a basic group, or linked
 * to a discussion group (`linked_chat_id`, the group among `chats` as Telegram sends it).
 */
export function fullChannel(
  channel: Api.Channel,
  options: FullChannelOptions = {},
): Api.messages.ChatFull {
  const { migratedFrom, linked } = options;
  return new Api.messages.ChatFull({
    fullChat: new Api.ChannelFull({
      id: channel.id,
      about: '',
      readInboxMaxId: 0,
      readOutboxMaxId: 0,
      unreadCount: 0,
      chatPhoto: new Api.PhotoEmpty({ id: returnBigInt(0) }),
      notifySettings: new Api.PeerNotifySettings({}),
      botInfo: [],
      pts: 1,
      ...(migratedFrom
        ? {
            migratedFromChatId: returnBigInt(migratedFrom.chatId),
            migratedFromMaxId: migratedFrom.maxId,
          }
        : {}),
      ...(linked && 'id' in linked ? { linkedChatId: linked.id } : {}),
    }),
    chats: linked ? [channel, linked] : [channel],
    users: [],
  });
}
