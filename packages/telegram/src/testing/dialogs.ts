import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { simulatedChannel } from './build-message.js';
import { type ChatPlan, lastId } from './chat-plan.js';

/**
 * `messages.GetDialogs` over the given chats as Telegram pages it: newest top message
 * first, each page after (offsetDate, offsetId), a `DialogsSlice` while more remain.
 */
export function getDialogs(
  request: Api.messages.GetDialogs,
  chats: readonly { plan: ChatPlan }[],
  maxPage: number,
): Api.messages.Dialogs | Api.messages.DialogsSlice {
  const all = chats
    .map(({ plan }) => ({ plan, top: lastId(plan), date: plan.endSec - 1 }))
    .sort((a, b) => b.date - a.date || b.top - a.top);
  const after =
    request.offsetDate === 0 && request.offsetId === 0
      ? all
      : all.filter(
          (d) =>
            d.date < request.offsetDate ||
            (d.date === request.offsetDate && d.top < request.offsetId),
        );
  const page = after.slice(0, Math.max(1, Math.min(request.limit, maxPage)));
  const parts = {
    dialogs: page.map(
      ({ plan, top }) =>
        new Api.Dialog({
          peer: new Api.PeerChannel({ channelId: returnBigInt(plan.channelId) }),
          topMessage: top,
          readInboxMaxId: top,
          readOutboxMaxId: top,
          unreadCount: 0,
          unreadMentionsCount: 0,
          unreadReactionsCount: 0,
          notifySettings: new Api.PeerNotifySettings({}),
        }),
    ),
    messages: page.map(
      ({ plan, top, date }) =>
        new Api.Message({
          id: top,
          peerId: new Api.PeerChannel({ channelId: returnBigInt(plan.channelId) }),
          date,
          message: '',
        }),
    ),
    chats: page.map(({ plan }) => simulatedChannel(plan)),
    users: [],
  };
  return page.length < after.length
    ? new Api.messages.DialogsSlice({ count: all.length, ...parts })
    : new Api.messages.Dialogs(parts);
}

/** A dialog as Telegram sends one, read and unmuted: only its peer, top and `pts` vary. */
export function readDialog(peer: Api.TypePeer, topMessage: number, pts?: number): Api.Dialog {
  return new Api.Dialog({
    peer,
    topMessage,
    readInboxMaxId: 0,
    readOutboxMaxId: 0,
    unreadCount: 0,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    notifySettings: new Api.PeerNotifySettings({}),
    ...(pts === undefined ? {} : { pts }),
  });
}
