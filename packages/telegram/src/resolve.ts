import { type ChatRef, FatalError, isNumericChat } from '@tgfetch/core';
import { Api, type TelegramClient } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { TelegramErrorCode } from './errors.js';
import { markedId, unmarkId } from './ids.js';
import type { PeerCache } from './peer-cache.js';

export type Invoke = <R extends Api.AnyRequest>(request: R) => Promise<R['__response']>;

/** Remembers the access hashes of every full (non-`min`) user and channel in a result. */
export async function rememberEntities(
  cache: PeerCache,
  result: { users?: Api.TypeUser[]; chats?: Api.TypeChat[] },
): Promise<void> {
  const writes: Promise<void>[] = [];
  for (const user of result.users ?? []) {
    if (!(user instanceof Api.User) || user.min || !user.accessHash) continue;
    writes.push(cache.set(markedId('user', user.id), peerEntry(user.accessHash, user.username)));
  }
  for (const chat of result.chats ?? []) {
    if (!(chat instanceof Api.Channel) || chat.min || !chat.accessHash) continue;
    writes.push(cache.set(markedId('channel', chat.id), peerEntry(chat.accessHash, chat.username)));
  }
  await Promise.all(writes);
}

function peerEntry(hash: { toString(): string }, username: string | undefined) {
  return username
    ? { accessHash: String(hash), username: username.toLowerCase() }
    : { accessHash: String(hash) };
}

/**
 * Turns a canonical chat ref into the input peer requests need. Usernames go to
 * `contacts.ResolveUsername`; numeric ids need an access hash this process has seen
 * (the peer cache, or the client's own session cache), except basic groups which need none.
 */
export async function resolveChat(
  chat: ChatRef,
  deps: { invoke: Invoke; cache: PeerCache; client: TelegramClient },
): Promise<Api.TypeInputPeer> {
  if (!isNumericChat(chat)) {
    const username = chat.replace(/^@/, '');
    const resolved = await deps.invoke(new Api.contacts.ResolveUsername({ username }));
    await rememberEntities(deps.cache, resolved);
    return inputPeerOf(resolved, chat);
  }
  const { kind, id } = unmarkId(chat);
  if (kind === 'chat') return new Api.InputPeerChat({ chatId: returnBigInt(id) });
  const cached = await deps.cache.get(chat);
  if (cached) {
    const accessHash = returnBigInt(cached.accessHash);
    return kind === 'channel'
      ? new Api.InputPeerChannel({ channelId: returnBigInt(id), accessHash })
      : new Api.InputPeerUser({ userId: returnBigInt(id), accessHash });
  }
  const fromSession = sessionPeer(deps.client, chat);
  if (fromSession) return fromSession;
  throw new FatalError(
    TelegramErrorCode.CHAT_NOT_FOUND,
    `Chat ${chat} is not known to this session: a numeric id needs the chat's access hash, which tgfetch learns when it fetches the chat by @username once (or when the chat is among this account's dialogs). Fetch it by @username first.`,
  );
}

function sessionPeer(client: TelegramClient, chat: string): Api.TypeInputPeer | undefined {
  try {
    const peer = client.session.getInputEntity(chat);
    return peer instanceof Api.InputPeerChannel || peer instanceof Api.InputPeerUser
      ? peer
      : undefined;
  } catch {
    return undefined;
  }
}

function inputPeerOf(resolved: Api.contacts.ResolvedPeer, chat: string): Api.TypeInputPeer {
  const { peer } = resolved;
  if (peer instanceof Api.PeerChannel) {
    const channel = resolved.chats.find(
      (c): c is Api.Channel => c instanceof Api.Channel && c.id.equals(peer.channelId),
    );
    if (channel?.accessHash) {
      return new Api.InputPeerChannel({ channelId: channel.id, accessHash: channel.accessHash });
    }
  } else if (peer instanceof Api.PeerUser) {
    const user = resolved.users.find(
      (u): u is Api.User => u instanceof Api.User && u.id.equals(peer.userId),
    );
    if (user?.accessHash) {
      return new Api.InputPeerUser({ userId: user.id, accessHash: user.accessHash });
    }
  } else if (peer instanceof Api.PeerChat) {
    return new Api.InputPeerChat({ chatId: peer.chatId });
  }
  throw new FatalError(
    TelegramErrorCode.CHAT_NOT_FOUND,
    `Telegram resolved ${chat} but sent no access to it`,
  );
}
