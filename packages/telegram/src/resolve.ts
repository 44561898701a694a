import { type ChatRef, type Clock, FatalError, isNumericChat } from '@tgfetch/core';
import { Api, type TelegramClient } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { scanDialogs } from './dialogs.js';
import { type Invoke, rememberEntities } from './entities.js';
import { TelegramErrorCode } from './errors.js';
import { markedId, unmarkId } from './ids.js';
import type { PeerCache } from './peer-cache.js';

export type { Invoke } from './entities.js';

/** How long a resolved username (and a walk of the dialogs) is trusted. @default 24 h */
export const DEFAULT_PEER_TTL_MS = 24 * 3600_000;

/** A chat as the source addresses it: its canonical ref, input peer and what is known of it. */
export interface ResolvedChat {
  /** The canonical chat: the marked id (`-100…` channels, `-…` basic groups, users). */
  ref: ChatRef;
  input: Api.TypeInputPeer;
  megagroup: boolean;
  forum: boolean;
}

export interface ResolveDeps {
  invoke: Invoke;
  cache: PeerCache;
  client: TelegramClient;
  clock: Clock;
  /** @default DEFAULT_PEER_TTL_MS */
  ttlMs?: number;
}

/**
 * Turns a chat ref into the chat's canonical identity and input peer. A username is
 * resolved with `contacts.ResolveUsername` at most once per TTL per account (the answer is
 * kept in the peer cache). A numeric id needs an access hash: from the peer cache, the
 * client's session, or else a walk of the account's dialogs; basic groups need none.
 */
export async function resolveChat(chat: ChatRef, deps: ResolveDeps): Promise<ResolvedChat> {
  if (!isNumericChat(chat)) return resolveUsername(chat.replace(/^@/, '').toLowerCase(), deps);
  const ref = markedId(unmarkId(chat).kind, unmarkId(chat).id);
  const known = await fromCache(ref, deps.cache);
  if (known) return known;
  const fromSession = sessionPeer(deps.client, ref);
  if (fromSession) return { ref, input: fromSession, megagroup: false, forum: false };
  const ttl = deps.ttlMs ?? DEFAULT_PEER_TTL_MS;
  const scannedAt = await deps.cache.getDialogsScannedAt?.();
  if (scannedAt === undefined || deps.clock.now() - scannedAt >= ttl) {
    const found = await scanDialogs(ref, deps);
    await deps.cache.setDialogsScannedAt?.(deps.clock.now());
    if (found) {
      const cached = await fromCache(ref, deps.cache);
      if (cached) return cached;
    }
  }
  throw new FatalError(
    TelegramErrorCode.CHAT_NOT_FOUND,
    `Chat ${ref} is not known to this account: it is neither in the peer cache nor among the account's dialogs. Join the chat (or write to the user) with this account, or fetch it once by @username or t.me link, then the id works too.`,
  );
}

async function resolveUsername(username: string, deps: ResolveDeps): Promise<ResolvedChat> {
  const ttl = deps.ttlMs ?? DEFAULT_PEER_TTL_MS;
  const remembered = await deps.cache.getUsername?.(username);
  if (remembered && deps.clock.now() - remembered.resolvedAt < ttl) {
    const known = await fromCache(remembered.id, deps.cache);
    if (known) return known;
  }
  const resolved = await deps.invoke(new Api.contacts.ResolveUsername({ username }));
  await rememberEntities(deps.cache, resolved);
  const out = resolvedPeer(resolved, `@${username}`);
  await deps.cache.setUsername?.(username, { id: out.ref, resolvedAt: deps.clock.now() });
  return out;
}

async function fromCache(ref: string, cache: PeerCache): Promise<ResolvedChat | undefined> {
  const { kind, id } = unmarkId(ref);
  if (kind === 'chat') {
    return {
      ref,
      input: new Api.InputPeerChat({ chatId: returnBigInt(id) }),
      megagroup: false,
      forum: false,
    };
  }
  const cached = await cache.get(ref);
  if (!cached) return undefined;
  const accessHash = returnBigInt(cached.accessHash);
  const input =
    kind === 'channel'
      ? new Api.InputPeerChannel({ channelId: returnBigInt(id), accessHash })
      : new Api.InputPeerUser({ userId: returnBigInt(id), accessHash });
  return { ref, input, megagroup: cached.megagroup ?? false, forum: cached.forum ?? false };
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

function resolvedPeer(resolved: Api.contacts.ResolvedPeer, chat: string): ResolvedChat {
  const { peer } = resolved;
  if (peer instanceof Api.PeerChannel) {
    const channel = resolved.chats.find(
      (c): c is Api.Channel => c instanceof Api.Channel && c.id.equals(peer.channelId),
    );
    if (channel?.accessHash) {
      return {
        ref: markedId('channel', channel.id),
        input: new Api.InputPeerChannel({ channelId: channel.id, accessHash: channel.accessHash }),
        megagroup: channel.megagroup ?? false,
        forum: channel.forum ?? false,
      };
    }
  } else if (peer instanceof Api.PeerUser) {
    const user = resolved.users.find(
      (u): u is Api.User => u instanceof Api.User && u.id.equals(peer.userId),
    );
    if (user?.accessHash) {
      return {
        ref: markedId('user', user.id),
        input: new Api.InputPeerUser({ userId: user.id, accessHash: user.accessHash }),
        megagroup: false,
        forum: false,
      };
    }
  } else if (peer instanceof Api.PeerChat) {
    return {
      ref: markedId('chat', peer.chatId),
      input: new Api.InputPeerChat({ chatId: peer.chatId }),
      megagroup: false,
      forum: false,
    };
  }
  throw new FatalError(
    TelegramErrorCode.CHAT_NOT_FOUND,
    `Telegram resolved ${chat} but sent no access to it`,
  );
}
