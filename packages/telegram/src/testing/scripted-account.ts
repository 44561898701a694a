import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { markedId, toPeer } from '../ids.js';
import { readDialog } from './dialogs.js';
import { fullChannel } from './full-channel.js';
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
  const channelObject = (c: ScriptedChannel) =>
    new Api.Channel({
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
  const page = (request: Api.messages.GetHistory, all: Api.TypeMessage[]) => {
    const offsetId = request.offsetId ?? 0;
    const offsetDate = request.offsetDate ?? 0;
    const maxId = request.maxId ?? 0;
    const minId = request.minId ?? 0;
    return [...all]
      .sort((a, b) => b.id - a.id)
      .filter(
        (m) =>
          (offsetId === 0 || m.id < offsetId) &&
          (offsetDate === 0 || ('date' in m && (m.date ?? 0) < offsetDate)) &&
          (maxId === 0 || m.id < maxId) &&
          m.id > minId,
      )
      .slice(0, Math.min(request.limit ?? 100, 100));
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
      const messages = page(request, all);
      const body = { messages, chats: allChats(), users: [self, ...users] };
      return request.peer instanceof Api.InputPeerChannel
        ? new Api.messages.ChannelMessages({ pts: 1, count: all.length, topics: [], ...body })
        : new Api.messages.Messages(body);
    }
    if (request instanceof Api.messages.GetDialogs) return dialogs(request);
    if (request instanceof Api.channels.GetFullChannel) {
      const channel = findChannel(request.channel as Api.TypeInputChannel);
      if (!channel) throw rpcError('CHANNEL_INVALID', request);
      return fullChannel(channelObject(channel), channel.migratedFrom);
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
