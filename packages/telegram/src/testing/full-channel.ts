import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';

/** `channels.GetFullChannel`'s answer for a channel, optionally upgraded from a basic group. */
export function fullChannel(
  channel: Api.Channel,
  migratedFrom?: { chatId: string | number; maxId: number },
): Api.messages.ChatFull {
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
    }),
    chats: [channel],
    users: [],
  });
}
