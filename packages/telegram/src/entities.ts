import { Api } from 'telegram';
import { markedId } from './ids.js';
import type { CachedPeer, PeerCache } from './peer-cache.js';

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
    const entry = peerEntry(chat.accessHash, chat.username);
    if (chat.megagroup) entry.megagroup = true;
    if (chat.forum) entry.forum = true;
    writes.push(cache.set(markedId('channel', chat.id), entry));
  }
  await Promise.all(writes);
}

/** An answer that carries users and chats (dialogs, a resolved username, history pages…). */
export function carriesEntities(
  result: unknown,
): result is { users: Api.TypeUser[]; chats: Api.TypeChat[] } {
  const { users, chats } = (result ?? {}) as { users?: unknown; chats?: unknown };
  return Array.isArray(users) && Array.isArray(chats);
}

function peerEntry(hash: { toString(): string }, username: string | undefined): CachedPeer {
  return username
    ? { accessHash: String(hash), username: username.toLowerCase() }
    : { accessHash: String(hash) };
}
