import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { markedId, toPeer } from '../ids.js';
import { readDialog } from './dialogs.js';
import { copiedPost, threadTop } from './discussion-thread.js';
import { fullChannel } from './full-channel.js';
import { historyPage } from './history-page.js';
import { createScriptedTelegram, rpcError, type ScriptedTelegram } from './scripted-telegram.js';

type Id = string | number;

/** A channel or supergroup of a scripted account, with its whole history. */
export interface ScriptedChannel {
  id: Id;
  accessHash: Id;
  username?: string;
  megagroup?: boolean;
  forum?: boolean;
  /** The basic group it was upgraded from. */
  migratedFrom?: { chatId: Id; maxId: number };
  /** A broadcast channel's discussion group (a megagroup among `channels`). */
  linkedChatId?: Id;
  /**
   * What this account may do with it: read it (`member`), see it but not read it
   * (`private`: history answers CHANNEL_PRIVATE), or not even see it (`forbidden`: it comes
   * as channelForbidden). @default 'member'
   */
  access?: 'member' | 'private' | 'forbidden';
  messages: Api.TypeMessage[];
}

/** A basic group (no access hash needed), e.g. the one a supergroup was migrated from. */
export interface ScriptedGroup {
  id: Id;
  messages: Api.TypeMessage[];
}

export interface ScriptedAccountOptions {
  /** The account's own user id. @default 1000 */
  selfId?: Id;
  channels?: ScriptedChannel[];
  groups?: ScriptedGroup[];
  /** Users known to the account (senders, private chats). */
  users?: Api.User[];
  /** Private chat histories by user id. */
  privateChats?: { userId: Id; messages: Api.TypeMessage[] }[];
  /** Marked ids of the account's dialogs, newest first. @default none */
  dialogs?: string[];
  /** Dialogs per `messages.GetDialogs` page (Telegram's is 100). @default 100 */
  dialogsPage?: number;
  /** Sees each request before it is answered; what it throws is the answer (a flood wait, …). */
  before?: (request: Api.AnyRequest) => void;
  /** The answer to a `messages.GetHistory` instead of the history (`undefined`: the history's page). */
  historyAnswer?: (request: Api.messages.GetHistory) => Api.messages.TypeMessages | undefined;
}

export interface ScriptedAccount extends ScriptedTelegram {
  /** How many requests of a class (`messages.GetHistory`) were received. */
  count(className: string): number;
}

/**
 * A Telegram account behind a real gramjs client (see `createScriptedTelegram`): usernames
 * resolve, history pages by offset id / offset date / max id as Telegram does, dialogs
 * page by offset peer, and supergroups tell where they were migrated from. An independent
 * model of the API, small enough to read, for tests of the source.
 */
export function createScriptedAccount(options: ScriptedAccountOptions): ScriptedAccount {
  const channels = options.channels ?? [];
  const groups = options.groups ?? [];
  const users = options.users ?? [];
  const self = new Api.User({
    id: returnBigInt(options.selfId ?? 1000),
    self: true,
    accessHash: returnBigInt(1),
    firstName: 'Me',
  });
  const channelObject = (c: ScriptedChannel): Api.TypeChat =>
    c.access === 'forbidden'
      ? new Api.ChannelForbidden({
          id: returnBigInt(c.id),
          accessHash: returnBigInt(c.accessHash),
          title: c.username ?? `channel ${c.id}`,
          megagroup: c.megagroup ?? false,
        })
      : new Api.Channel({
          id: returnBigInt(c.id),
          accessHash: returnBigInt(c.accessHash),
          title: c.username ?? `channel ${c.id}`,
          photo: new Api.ChatPhotoEmpty(),
          date: 1,
          ...(c.username ? { username: c.username } : {}),
          megagroup: c.megagroup ?? false,
          broadcast: !c.megagroup,
          forum: c.forum ?? false,
        });
  const groupObject = (g: ScriptedGroup) =>
    new Api.Chat({
      id: returnBigInt(g.id),
      title: `group ${g.id}`,
      photo: new Api.ChatPhotoEmpty(),
      participantsCount: 2,
      date: 1,
      version: 1,
    });
  const allChats = () => [...channels.map(channelObject), ...groups.map(groupObject)];
  const channelById = (id: Id | Api.long) => channels.find((c) => String(c.id) === String(id));
  const linkedOf = (c: ScriptedChannel) =>
    c.linkedChatId === undefined ? undefined : channelById(c.linkedChatId);
  /** A channel the account may read, or the error Telegram answers. */
  const readable = (c: ScriptedChannel | undefined, request: Api.AnyRequest) => {
    if (!c) throw rpcError('CHANNEL_INVALID', request);
    if (c.access === 'private' || c.access === 'forbidden') {
      throw rpcError('CHANNEL_PRIVATE', request);
    }
    return c;
  };
  const body = (messages: Api.TypeMessage[]) => ({
    messages,
    chats: allChats(),
    users: [self, ...users],
  });
  /** A post's thread in its channel's group: the copies of the post and the comments under them. */
  const threadOf = (channel: ScriptedChannel, post: number, request: Api.AnyRequest) => {
    const group = readable(linkedOf(channel), request);
    const copies = group.messages.filter((m) => copiedPost(m, channel.id) === post);
    if (copies.length === 0) throw rpcError('MSG_ID_INVALID', request);
    const top = Math.min(...copies.map((m) => m.id));
    const replies = group.messages.filter((m) => threadTop(m) === top);
    return { copies, replies };
  };
  const findChannel = (input: Api.TypeInputPeer | Api.TypeInputChannel) => {
    if (!(input instanceof Api.InputPeerChannel || input instanceof Api.InputChannel)) return;
    const channel = channels.find((c) => String(c.id) === String(input.channelId));
    if (!channel || String(channel.accessHash) !== String(input.accessHash)) return undefined;
    return channel;
  };
  const historyOf = (request: Api.messages.GetHistory): Api.TypeMessage[] | undefined => {
    const { peer } = request;
    if (peer instanceof Api.InputPeerChannel) return findChannel(peer)?.messages;
    if (peer instanceof Api.InputPeerChat) {
      return groups.find((g) => String(g.id) === String(peer.chatId))?.messages;
    }
    if (peer instanceof Api.InputPeerUser) {
      const user = users.find((u) => u.id.equals(peer.userId));
      if (!user || String(user.accessHash) !== String(peer.accessHash)) return undefined;
      return options.privateChats?.find((p) => String(p.userId) === String(peer.userId))?.messages;
    }
    return undefined;
  };
  const dialogPeer = (marked: string): Api.TypePeer => {
    const value = BigInt(marked);
    if (value <= -1_000_000_000_000n) {
      return new Api.PeerChannel({ channelId: returnBigInt(String(-value - 1_000_000_000_000n)) });
    }
    if (value < 0n) return new Api.PeerChat({ chatId: returnBigInt(String(-value)) });
    return new Api.PeerUser({ userId: returnBigInt(marked) });
  };
  const dialogs = (request: Api.messages.GetDialogs): Api.messages.TypeDialogs => {
    const order = options.dialogs ?? [];
    const size = Math.min(request.limit ?? 100, options.dialogsPage ?? 100);
    const offset = toPeer(peerOfInput(request.offsetPeer as Api.TypeInputPeer));
    const start = offset ? order.indexOf(markedId(offset.kind, offset.id)) + 1 : 0;
    const slice = order.slice(start, start + size);
    const list = slice.map((marked, i) => readDialog(dialogPeer(marked), 1000 - start - i));
    const messages = list.map(
      (d) =>
        new Api.Message({ id: d.topMessage, peerId: d.peer, date: 1_700_000_000, message: '' }),
    );
    const body = { dialogs: list, messages, chats: allChats(), users: [self, ...users] };
    return start + size < order.length
      ? new Api.messages.DialogsSlice({ count: order.length, ...body })
      : new Api.messages.Dialogs(body);
  };

  const telegram = createScriptedTelegram((request) => {
    options.before?.(request);
    if (request instanceof Api.users.GetUsers) return [self];
    if (request instanceof Api.contacts.ResolveUsername) {
      const name = (request.username ?? '').toLowerCase();
      const channel = channels.find((c) => c.username?.toLowerCase() === name);
      if (channel) {
        return new Api.contacts.ResolvedPeer({
          peer: new Api.PeerChannel({ channelId: returnBigInt(channel.id) }),
          chats: [channelObject(channel)],
          users: [],
        });
      }
      const user = users.find((u) => u.username?.toLowerCase() === name);
      if (user) {
        return new Api.contacts.ResolvedPeer({
          peer: new Api.PeerUser({ userId: user.id }),
          chats: [],
          users: [user],
        });
      }
      throw rpcError('USERNAME_NOT_OCCUPIED', request);
    }
    if (request instanceof Api.messages.GetHistory) {
      const answer = options.historyAnswer?.(request);
      if (answer) return answer;
      const all = historyOf(request);
      if (!all) throw rpcError('PEER_ID_INVALID', request);
      if (request.peer instanceof Api.InputPeerChannel) {
        readable(findChannel(request.peer), request);
      }
      const page = body(historyPage(all, request));
      return request.peer instanceof Api.InputPeerChannel
        ? new Api.messages.ChannelMessages({ pts: 1, count: all.length, topics: [], ...page })
        : new Api.messages.Messages(page);
    }
    if (request instanceof Api.messages.GetReplies) {
      const channel = findChannel(request.peer as Api.TypeInputPeer);
      if (!channel) throw rpcError('PEER_ID_INVALID', request);
      const { replies } = threadOf(channel, request.msgId as number, request);
      return new Api.messages.ChannelMessages({
        pts: 1,
        count: replies.length,
        topics: [],
        ...body(historyPage(replies, request)),
      });
    }
    if (request instanceof Api.messages.GetDiscussionMessage) {
      const channel = findChannel(request.peer as Api.TypeInputPeer);
      if (!channel) throw rpcError('PEER_ID_INVALID', request);
      const { copies, replies } = threadOf(channel, request.msgId as number, request);
      const maxId = replies.length === 0 ? undefined : Math.max(...replies.map((m) => m.id));
      return new Api.messages.DiscussionMessage({
        ...body(copies),
        unreadCount: 0,
        ...(maxId === undefined ? {} : { maxId, readInboxMaxId: maxId }),
      });
    }
    if (request instanceof Api.channels.GetMessages) {
      const channel = readable(findChannel(request.channel as Api.TypeInputChannel), request);
      const messages = request.id.map((input) => {
        const id = input instanceof Api.InputMessageID ? input.id : 0;
        return channel.messages.find((m) => m.id === id) ?? new Api.MessageEmpty({ id });
      });
      return new Api.messages.ChannelMessages({
        pts: 1,
        count: messages.length,
        topics: [],
        ...body(messages),
      });
    }
    if (request instanceof Api.messages.GetDialogs) return dialogs(request);
    if (request instanceof Api.channels.GetFullChannel) {
      const channel = findChannel(request.channel as Api.TypeInputChannel);
      if (!channel) throw rpcError('CHANNEL_INVALID', request);
      const linked = linkedOf(channel);
      const self = channelObject(channel);
      if (!(self instanceof Api.Channel)) throw rpcError('CHANNEL_PRIVATE', request);
      return fullChannel(self, {
        migratedFrom: channel.migratedFrom,
        linked: linked && channelObject(linked),
      });
    }
    throw rpcError('METHOD_NOT_SCRIPTED', request);
  });
  return {
    ...telegram,
    count: (className) => telegram.calls.filter((c) => c === className).length,
  };
}

function peerOfInput(input: Api.TypeInputPeer | undefined): Api.TypePeer | undefined {
  if (input instanceof Api.InputPeerChannel) {
    return new Api.PeerChannel({ channelId: input.channelId });
  }
  if (input instanceof Api.InputPeerChat) return new Api.PeerChat({ chatId: input.chatId });
  if (input instanceof Api.InputPeerUser) return new Api.PeerUser({ userId: input.userId });
  return undefined;
}
