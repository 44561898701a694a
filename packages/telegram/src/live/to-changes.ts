import type { ChatRef, MessageChange } from '@tgfetch/core';
import { Api } from 'telegram';
import { mapMessage } from '../map-message.js';
import { type Followed, type FollowedChat, peerKey } from './followed.js';
import type { LiveUpdate } from './update-entries.js';
import { ACCOUNT_BOX } from './update-state.js';

/** Ids of the account's box remembered with their chat, for deletions that name none. */
const REMEMBERED_IDS = 50_000;

export interface ChangeMapper {
  /** The changes an applied update makes to followed chats (none for other chats). */
  ofUpdate(update: LiveUpdate, at: number): MessageChange[];
  /** A message as a change of its chat, when the chat is followed. */
  ofMessage(kind: 'new' | 'edited', message: Api.TypeMessage): MessageChange[];
  /** Deletions in the account's box (`updateDeleteMessages`), attributed as documented below. */
  ofAccountDeletion(ids: readonly number[], at: number): MessageChange[];
  /** Remembers that message `id` is `chat`'s (a message met outside an update). */
  remember(chat: FollowedChat, id: number): void;
}

/**
 * Turns applied updates into changes of followed chats. `updateDeleteMessages` names ids
 * only (the account's box numbers private chats and basic groups together): the ids of
 * messages this mapper yielded are remembered (the newest 50 000) with their chat, and go
 * to it; every other id goes to each followed chat of the account's box, since an id is in
 * at most one of them and an applier ignores ids its store does not hold. So nothing is
 * lost after a restart, at the cost of deletions that touch nothing.
 */
export function changeMapper(followed: Followed): ChangeMapper {
  const chatOfId = new Map<number, ChatRef>();
  const remember = (chat: FollowedChat, id: number) => {
    if (chat.box === ACCOUNT_BOX) {
      chatOfId.delete(id);
      chatOfId.set(id, chat.ref);
      if (chatOfId.size > REMEMBERED_IDS) chatOfId.delete(chatOfId.keys().next().value!);
    }
  };

  const ofMessage = (kind: 'new' | 'edited', message: Api.TypeMessage): MessageChange[] => {
    if (message instanceof Api.MessageEmpty) return [];
    const key = peerKey(message.peerId);
    const chat = key === undefined ? undefined : followed.byKey(key);
    if (!chat) return [];
    const mapped = mapMessage(message, chat.ref, chat.context);
    if (!mapped) return [];
    remember(chat, message.id);
    return [{ kind, chat: chat.ref, message: mapped }];
  };

  /**
   * `UpdateDeleteMessages` names no chat. Ids this source yielded go to their chat; the rest
   * to core's applier with the account's followed chats to look in (`among`): an id lives
   * in at most one of them.
   */
  const ofAccountDeletion = (ids: readonly number[], at: number): MessageChange[] => {
    const byChat = new Map<ChatRef, number[]>();
    const unknown: number[] = [];
    for (const id of ids) {
      const chat = chatOfId.get(id);
      if (chat === undefined) unknown.push(id);
      else byChat.set(chat, [...(byChat.get(chat) ?? []), id]);
    }
    const changes: MessageChange[] = [...byChat].map(([chat, own]) => ({
      kind: 'deleted',
      chat,
      ids: own.sort((a, b) => a - b),
      at,
    }));
    const among = followed.inAccount.map((chat) => chat.ref);
    if (unknown.length > 0 && among.length > 0) {
      changes.push({ kind: 'deleted', among, ids: unknown.sort((a, b) => a - b), at });
    }
    return changes;
  };

  return {
    ofMessage,
    ofAccountDeletion,
    remember,
    ofUpdate(update, at) {
      if (update instanceof Api.UpdateNewChannelMessage || update instanceof Api.UpdateNewMessage) {
        return ofMessage('new', update.message);
      }
      if (
        update instanceof Api.UpdateEditChannelMessage ||
        update instanceof Api.UpdateEditMessage
      ) {
        return ofMessage('edited', update.message);
      }
      if (update instanceof Api.UpdateDeleteChannelMessages) {
        const chat = followed.byBox(String(update.channelId));
        if (!chat || update.messages.length === 0) return [];
        return [
          { kind: 'deleted', chat: chat.ref, ids: [...update.messages].sort((a, b) => a - b), at },
        ];
      }
      if (update instanceof Api.UpdateDeleteMessages) return ofAccountDeletion(update.messages, at);
      if (
        update instanceof Api.UpdateShortMessage ||
        update instanceof Api.UpdateShortChatMessage
      ) {
        return ofMessage('new', shortMessage(update));
      }
      return [];
    },
  };
}

/**
 * The message a short update stands for, as a history page would hold it: a private
 * chat's peer is the other user (sender of what comes in; the account's own messages name
 * no sender), a basic group's message names its sender.
 */
export function shortMessage(
  update: Api.UpdateShortMessage | Api.UpdateShortChatMessage,
): Api.Message {
  const common = {
    id: update.id,
    date: update.date,
    message: update.message,
    ...(update.out ? { out: true } : {}),
    ...(update.mentioned ? { mentioned: true } : {}),
    ...(update.mediaUnread ? { mediaUnread: true } : {}),
    ...(update.silent ? { silent: true } : {}),
    ...(update.fwdFrom ? { fwdFrom: update.fwdFrom } : {}),
    ...(update.viaBotId ? { viaBotId: update.viaBotId } : {}),
    ...(update.replyTo ? { replyTo: update.replyTo } : {}),
    ...(update.entities ? { entities: update.entities } : {}),
    ...(update.ttlPeriod ? { ttlPeriod: update.ttlPeriod } : {}),
  };
  if (update instanceof Api.UpdateShortMessage) {
    return new Api.Message({ ...common, peerId: new Api.PeerUser({ userId: update.userId }) });
  }
  return new Api.Message({
    ...common,
    peerId: new Api.PeerChat({ chatId: update.chatId }),
    fromId: new Api.PeerUser({ userId: update.fromId }),
  });
}

/**
 * One version per message in a batch: a difference lists new messages apart from the edits
 * among its other updates, so an older copy of a message can come after a newer one; each
 * change of a message gets its newest copy (latest `edit_date`), in the order they came.
 */
export function newestCopies(changes: MessageChange[]): MessageChange[] {
  const newest = new Map<string, MessageChange & { kind: 'new' | 'edited' }>();
  for (const change of changes) {
    if (change.kind === 'deleted') continue;
    const key = `${change.chat}\u0000${change.message.id}`;
    const seen = newest.get(key);
    if (!seen || (change.message.edit_date ?? '') >= (seen.message.edit_date ?? '')) {
      newest.set(key, change);
    }
  }
  return changes.map((change) => {
    if (change.kind === 'deleted') return change;
    const best = newest.get(`${change.chat}\u0000${change.message.id}`);
    return best && best !== change ? { ...change, message: best.message } : change;
  });
}
