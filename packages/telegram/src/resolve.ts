import { type ChatRef, type Clock, isNumericChat } from '@tgfetch/core';
import { Api, type TelegramClient } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { scanDialogs } from './dialogs.js';
import { type Invoke, rememberEntities } from './entities.js';
import { tgError } from './error-builders.js';
import { TelegramErrorCode } from './error-codes.js';
import { type LongLike, markedId, toPeer, unmarkId } from './ids.js';
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
  throw tgError(
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
  if (unmarkId(ref).kind === 'chat') return chatOf(ref, undefined);
  const cached = await cache.get(ref);
  return cached && chatOf(ref, cached.accessHash, cached);
}

/**
 * The chat of a marked id: a basic group is addressed by its id alone, a channel or a user
 * only with its access hash (without one, undefined).
 */
function chatOf(
  ref: string,
  accessHash: LongLike | undefined,
  known: { megagroup?: boolean | undefined; forum?: boolean | undefined } = {},
): ResolvedChat | undefined {
  const { kind, id } = unmarkId(ref);
  const raw = returnBigInt(id);
  const hash = accessHash === undefined ? undefined : returnBigInt(String(accessHash));
  let input: Api.TypeInputPeer;
  if (kind === 'chat') input = new Api.InputPeerChat({ chatId: raw });
  else if (hash === undefined) return undefined;
  else if (kind === 'channel')
    input = new Api.InputPeerChannel({ channelId: raw, accessHash: hash });
  else input = new Api.InputPeerUser({ userId: raw, accessHash: hash });
  return { ref, input, megagroup: known.megagroup ?? false, forum: known.forum ?? false };
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
  const target = toPeer(resolved.peer);
  const ref = target && markedId(target.kind, target.id);
  // The peer's own entity comes along, with the access hash that addresses it.
  const entity = [...resolved.chats, ...resolved.users].find(
    (e): e is Api.Channel | Api.User =>
      (e instanceof Api.Channel && ref === markedId('channel', e.id)) ||
      (e instanceof Api.User && ref === markedId('user', e.id)),
  );
  const out = ref && chatOf(ref, entity?.accessHash, entity instanceof Api.Channel ? entity : {});
  if (out) return out;
  throw tgError(
    TelegramErrorCode.CHAT_NOT_FOUND,
    `Telegram resolved ${chat} but sent no access to it`,
  );
}
