import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { type Invoke, rememberEntities } from './entities.js';
import { markedId, toPeer } from './ids.js';
import type { PeerCache } from './peer-cache.js';

/** Telegram's largest page of `messages.GetDialogs`. */
const DIALOGS_PAGE = 100;
/** A bound on the walk (50 000 dialogs), so a server repeating itself cannot hold us. */
const MAX_PAGES = 500;

/**
 * Walks the account's dialogs (`messages.GetDialogs`, all folders, newest first) and
 * remembers every access hash met, stopping once `wanted` (a marked id) was seen. This is
 * how a chat the account is in becomes reachable by number without ever having been
 * fetched by username. Resolves with whether `wanted` was found.
 */
export async function scanDialogs(
  wanted: string,
  deps: { invoke: Invoke; cache: PeerCache },
): Promise<boolean> {
  let offsetDate = 0;
  let offsetId = 0;
  let offsetPeer: Api.TypeInputPeer = new Api.InputPeerEmpty();
  const seen = new Set<string>();
  for (let pageNo = 0; pageNo < MAX_PAGES; pageNo++) {
    const page: Api.messages.TypeDialogs = await deps.invoke(
      new Api.messages.GetDialogs({
        offsetDate,
        offsetId,
        offsetPeer,
        limit: DIALOGS_PAGE,
        hash: returnBigInt(0),
      }),
    );
    if (page instanceof Api.messages.DialogsNotModified) return false;
    await rememberEntities(deps.cache, page);
    let fresh = 0;
    let found = false;
    for (const dialog of page.dialogs) {
      const peer = toPeer(dialog.peer);
      if (!peer) continue;
      const id = markedId(peer.kind, peer.id);
      if (id === wanted) found = true;
      if (!seen.has(id)) fresh++;
      seen.add(id);
    }
    if (found) return true;
    const last: Api.TypeDialog | undefined = page.dialogs[page.dialogs.length - 1];
    // `messages.Dialogs` is the whole list; a slice says how many there are in all.
    if (page instanceof Api.messages.Dialogs || !last || fresh === 0 || seen.size >= page.count) {
      return false;
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
  return false;
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
