import {
  type ChatRef,
  CommandError,
  CommandErrorCode,
  isNumericChat,
  parseChat,
} from '@tgfetch/core';
import { Api, type TelegramClient } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, withTimeout } from './client.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, invokeWithin } from './connection.js';
import { type Invoke, rememberEntities } from './entities.js';
import { tgError, unreachableError } from './error-builders.js';
import { TelegramErrorCode } from './error-codes.js';
import { translateTelegramError } from './errors.js';
import { markedId, toPeer } from './ids.js';
import type { PeerCache } from './peer-cache.js';

/**
 * The account's dialogs, two uses over one walk of `messages.GetDialogs`: the source finds
 * a chat known only by number there (`scanDialogs`, remembering access hashes), and
 * `tgfetch chats` / `tgfetch resolve` list and describe chats (`listDialogs`, `describeChat`).
 */

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

/** Telegram's largest page of `messages.GetDialogs`. */
const DIALOGS_PAGE = 100;
/** A bound on the walk (50 000 dialogs), so a server repeating itself cannot hold us. */
const MAX_PAGES = 500;

type DialogsPage = Api.messages.Dialogs | Api.messages.DialogsSlice;

/**
 * Pages of the account's dialogs (all folders, newest first), paging by the last dialog's
 * top message as Telegram asks, until the list ends, a page brings nothing new, or the
 * count a slice announces was seen. `pageSize` caps each request.
 */
async function* dialogPages(
  invoke: Invoke,
  pageSize: () => number = () => DIALOGS_PAGE,
): AsyncGenerator<DialogsPage> {
  let offsetDate = 0;
  let offsetId = 0;
  let offsetPeer: Api.TypeInputPeer = new Api.InputPeerEmpty();
  const seen = new Set<string>();
  for (let pageNo = 0; pageNo < MAX_PAGES; pageNo++) {
    const page: Api.messages.TypeDialogs = await invoke(
      new Api.messages.GetDialogs({
        offsetDate,
        offsetId,
        offsetPeer,
        limit: Math.min(DIALOGS_PAGE, pageSize()),
        hash: returnBigInt(0),
      }),
    );
    if (page instanceof Api.messages.DialogsNotModified) return;
    yield page;
    let fresh = 0;
    for (const dialog of page.dialogs) {
      const peer = toPeer(dialog.peer);
      if (!peer) continue;
      const id = markedId(peer.kind, peer.id);
      if (!seen.has(id)) fresh++;
      seen.add(id);
    }
    const last: Api.TypeDialog | undefined = page.dialogs[page.dialogs.length - 1];
    // `messages.Dialogs` is the whole list; a slice says how many there are in all.
    if (page instanceof Api.messages.Dialogs || !last || fresh === 0 || seen.size >= page.count) {
      return;
    }
    const top = page.messages.find(
      (m: Api.TypeMessage) =>
        !(m instanceof Api.MessageEmpty) &&
        m.id === last.topMessage &&
        String(m.peerId && toPeer(m.peerId)?.id) === String(toPeer(last.peer)?.id),
    );
    offsetId = last.topMessage;
    offsetDate = top && 'date' in top ? top.date : 0;
    offsetPeer = inputPeerOf(last.peer, page) ?? new Api.InputPeerEmpty();
  }
}

/**
 * Walks the account's dialogs and remembers every access hash met, stopping once `wanted`
 * (a marked id) was seen. This is how a chat the account is in becomes reachable by number
 * without ever having been fetched by username. Resolves with whether `wanted` was found.
 */
export async function scanDialogs(
  wanted: string,
  deps: { invoke: Invoke; cache: PeerCache },
): Promise<boolean> {
  for await (const page of dialogPages(deps.invoke)) {
    await rememberEntities(deps.cache, page);
    for (const dialog of page.dialogs) {
      const peer = toPeer(dialog.peer);
      if (peer && markedId(peer.kind, peer.id) === wanted) return true;
    }
  }
  return false;
}

/**
 * Requests on a client this caller owns: connected on first use within `connectTimeoutMs`
 * (gramjs' own `connect()` returns `false` after its retries and later requests would wait
 * forever: that is a retryable `TELEGRAM_UNREACHABLE`, and the next request tries again),
 * each request within `requestTimeoutMs` (a retryable `TIMEOUT`), errors translated. The
 * client stays the caller's: it is never shut down or replaced here.
 */
export function clientInvoke(
  client: TelegramClient,
  options: { connectTimeoutMs?: number; requestTimeoutMs?: number } = {},
): Invoke {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let connecting: Promise<void> | undefined;
  const connect = async () => {
    const outcome = await withTimeout(client.connect(), connectTimeoutMs).catch(
      () => 'timed out' as const,
    );
    if (outcome === true) return;
    connecting = undefined;
    throw unreachableError(
      `Could not reach Telegram within ${connectTimeoutMs / 1000}s (the client ${outcome === false ? 'gave up' : 'was still connecting'})`,
    );
  };
  return async (request) => {
    try {
      connecting ??= client.connected ? Promise.resolve() : connect();
      await connecting;
      return await invokeWithin(client, request, requestTimeoutMs);
    } catch (error) {
      throw translateTelegramError(error);
    }
  };
}

/** The account's dialogs (chats, channels, groups, users), most recent first, at most `limit`. */
export async function listDialogs(
  invoke: Invoke,
  options: { limit?: number } = {},
): Promise<ChatInfo[]> {
  const limit = options.limit ?? 1000;
  const out = new Map<string, ChatInfo>();
  for await (const page of dialogPages(invoke, () => limit - out.size)) {
    const entities = new Map<string, Api.TypeUser | Api.TypeChat>();
    for (const user of page.users) entities.set(peerKey(user), user);
    for (const chat of page.chats) entities.set(peerKey(chat), chat);
    for (const dialog of page.dialogs) {
      const entity = entities.get(keyOfPeer(dialog.peer));
      const chat = entity && chatInfo(entity);
      if (chat && out.size < limit) out.set(chat.id, chat);
    }
    if (out.size >= limit) break;
  }
  return [...out.values()];
}

/**
 * What a chat reference names: usernames and links through `contacts.ResolveUsername`,
 * numeric ids among the account's dialogs (an id alone carries no access to the chat).
 */
export async function describeChat(invoke: Invoke, input: string): Promise<ChatInfo> {
  const parsed = parseChat(input);
  if (!parsed.ok) {
    throw new CommandError([
      { code: CommandErrorCode.INVALID_CHAT, path: '', message: parsed.reason },
    ]);
  }
  const chat = parsed.chat;
  if (isNumericChat(chat)) {
    const found = (await listDialogs(invoke)).find((d) => d.id === chat);
    if (found) return found;
    throw tgError(
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
  if (!found) throw tgError(TelegramErrorCode.CHAT_NOT_FOUND, `${chat} resolved to nothing`);
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

function inputPeerOf(
  peer: Api.TypePeer,
  page: { users: Api.TypeUser[]; chats: Api.TypeChat[] },
): Api.TypeInputPeer | undefined {
  if (peer instanceof Api.PeerChat) return new Api.InputPeerChat({ chatId: peer.chatId });
  if (peer instanceof Api.PeerUser) {
    const user = page.users.find((u) => u instanceof Api.User && u.id.equals(peer.userId));
    if (user instanceof Api.User && user.accessHash) {
      return new Api.InputPeerUser({ userId: user.id, accessHash: user.accessHash });
    }
  }
  if (peer instanceof Api.PeerChannel) {
    const chat = page.chats.find((c) => c instanceof Api.Channel && c.id.equals(peer.channelId));
    if (chat instanceof Api.Channel && chat.accessHash) {
      return new Api.InputPeerChannel({ channelId: chat.id, accessHash: chat.accessHash });
    }
  }
  return undefined;
}
