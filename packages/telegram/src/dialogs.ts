import { type ChatRef, FatalError, isNumericChat, parseChat } from '@tgfetch/core';
import { Api, type TelegramClient } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { TelegramErrorCode, translateTelegramError } from './errors.js';
import { markedId } from './ids.js';
import type { Invoke } from './resolve.js';

export type ChatKind = 'user' | 'bot' | 'group' | 'supergroup' | 'channel';

/** A chat as `tgfetch chats` and `tgfetch resolve` show it. */
export interface ChatInfo {
  /** What `--chat` takes for it: `@username` when it has one, else the marked id. */
  chat: ChatRef;
  /** The marked id (`-100…` for channels and supergroups, `-…` for basic groups). */
  id: string;
  username?: string;
  title: string;
  kind: ChatKind;
}

/** A user or chat of a Telegram answer as a `ChatInfo`; undefined for empty or forbidden ones. */
export function chatInfo(entity: Api.TypeUser | Api.TypeChat): ChatInfo | undefined {
  if (entity instanceof Api.User) {
    const title = [entity.firstName, entity.lastName].filter(Boolean).join(' ');
    return info(markedId('user', entity.id), entity.username, title, entity.bot ? 'bot' : 'user');
  }
  if (entity instanceof Api.Channel) {
    const kind = entity.megagroup ? 'supergroup' : 'channel';
    return info(markedId('channel', entity.id), entity.username, entity.title, kind);
  }
  if (entity instanceof Api.Chat)
    return info(markedId('chat', entity.id), undefined, entity.title, 'group');
  return undefined;
}

function info(id: string, username: string | undefined, title: string, kind: ChatKind): ChatInfo {
  return username
    ? { chat: `@${username.toLowerCase()}`, id, username, title, kind }
    : { chat: id, id, title, kind };
}

/** Requests on a client this caller owns: connected on first use, errors translated. */
export function clientInvoke(client: TelegramClient): Invoke {
  let connecting: Promise<unknown> | undefined;
  return async (request) => {
    try {
      connecting ??= client.connected ? Promise.resolve() : client.connect();
      await connecting;
      return await client.invoke(request);
    } catch (error) {
      throw translateTelegramError(error);
    }
  };
}

/** Dialogs asked per request: Telegram's maximum for `messages.GetDialogs`. */
const DIALOG_PAGE = 100;

/**
 * The account's dialogs (chats, channels, groups, users), most recent first, paging
 * `messages.GetDialogs` by the last dialog's top message as Telegram asks. Stops at `limit`.
 */
export async function listDialogs(
  invoke: Invoke,
  options: { limit?: number } = {},
): Promise<ChatInfo[]> {
  const limit = options.limit ?? 1000;
  const out = new Map<string, ChatInfo>();
  let offset = { date: 0, id: 0, peer: new Api.InputPeerEmpty() as Api.TypeInputPeer };
  while (out.size < limit) {
    const page = await invoke(
      new Api.messages.GetDialogs({
        offsetDate: offset.date,
        offsetId: offset.id,
        offsetPeer: offset.peer,
        limit: Math.min(DIALOG_PAGE, limit - out.size),
        hash: returnBigInt(0),
      }),
    );
    if (page instanceof Api.messages.DialogsNotModified) break;
    const entities = new Map<string, Api.TypeUser | Api.TypeChat>();
    for (const user of page.users) entities.set(peerKey(user), user);
    for (const chat of page.chats) entities.set(peerKey(chat), chat);
    const dialogs = page.dialogs.filter((d): d is Api.Dialog => d instanceof Api.Dialog);
    for (const dialog of dialogs) {
      const entity = entities.get(keyOfPeer(dialog.peer));
      const chat = entity && chatInfo(entity);
      if (chat && out.size < limit) out.set(chat.id, chat);
    }
    const last = dialogs.at(-1);
    if (!(page instanceof Api.messages.DialogsSlice) || !last) break;
    const top = page.messages.find(
      (m) => 'id' in m && m.id === last.topMessage && keyOfPeer(m.peerId) === keyOfPeer(last.peer),
    );
    const next = {
      date: top && 'date' in top ? (top.date ?? 0) : 0,
      id: last.topMessage,
      peer: inputPeer(entities.get(keyOfPeer(last.peer))),
    };
    if (next.id === offset.id && next.date === offset.date) break; // no progress: stop
    offset = next;
  }
  return [...out.values()];
}

/**
 * What a chat reference names: usernames and links through `contacts.ResolveUsername`,
 * numeric ids among the account's dialogs (an id alone carries no access to the chat).
 */
export async function describeChat(invoke: Invoke, input: string): Promise<ChatInfo> {
  const parsed = parseChat(input);
  if (!parsed.ok) throw new FatalError('INVALID_CHAT', parsed.reason);
  const chat = parsed.chat;
  if (isNumericChat(chat)) {
    const found = (await listDialogs(invoke)).find((d) => d.id === chat);
    if (found) return found;
    throw new FatalError(
      TelegramErrorCode.CHAT_NOT_FOUND,
      `Chat ${chat} is not among this account's dialogs; give its @username or link instead.`,
    );
  }
  const resolved = await invoke(
    new Api.contacts.ResolveUsername({ username: chat.replace(/^@/, '') }),
  );
  const key = keyOfPeer(resolved.peer);
  const entity = [...resolved.chats, ...resolved.users].find((e) => peerKey(e) === key);
  const found = entity && chatInfo(entity);
  if (!found) throw new FatalError(TelegramErrorCode.CHAT_NOT_FOUND, `${chat} resolved to nothing`);
  return found;
}

function peerKey(entity: Api.TypeUser | Api.TypeChat): string {
  if (entity instanceof Api.User || entity instanceof Api.UserEmpty) return `user:${entity.id}`;
  if (entity instanceof Api.Channel || entity instanceof Api.ChannelForbidden)
    return `channel:${entity.id}`;
  return `chat:${entity.id}`;
}

function keyOfPeer(peer: Api.TypePeer | undefined): string {
  if (peer instanceof Api.PeerUser) return `user:${peer.userId}`;
  if (peer instanceof Api.PeerChannel) return `channel:${peer.channelId}`;
  if (peer instanceof Api.PeerChat) return `chat:${peer.chatId}`;
  return 'none';
}

function inputPeer(entity: Api.TypeUser | Api.TypeChat | undefined): Api.TypeInputPeer {
  if (entity instanceof Api.User && entity.accessHash)
    return new Api.InputPeerUser({ userId: entity.id, accessHash: entity.accessHash });
  if (entity instanceof Api.Channel && entity.accessHash)
    return new Api.InputPeerChannel({ channelId: entity.id, accessHash: entity.accessHash });
  if (entity instanceof Api.Chat) return new Api.InputPeerChat({ chatId: entity.id });
  return new Api.InputPeerEmpty();
}
