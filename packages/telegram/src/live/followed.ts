import type { ChatRef } from '@tgfetch/core';
import { Api } from 'telegram';
import { toBigId } from '../ids.js';
import type { MapContext } from '../map-message.js';
import type { ResolvedChat } from '../resolve.js';
import { ACCOUNT_BOX } from './update-state.js';

/** A chat being followed: the name its changes carry, and where its updates come from. */
export interface FollowedChat {
  /** As the caller named it; its changes and messages carry this. */
  ref: ChatRef;
  /** `channel:<id>`, `chat:<id>` or `user:<id>` (raw ids), as a message's peer names it. */
  key: string;
  /** Its update box: the channel's id, or the account's box. */
  box: string;
  input: Api.TypeInputPeer;
  context: MapContext;
}

export interface Followed {
  readonly chats: readonly FollowedChat[];
  /** The chats in the account's box (private chats and basic groups). */
  readonly inAccount: readonly FollowedChat[];
  /** The followed channels' boxes (their ids). */
  readonly channelBoxes: readonly string[];
  byKey(key: string): FollowedChat | undefined;
  byBox(box: string): FollowedChat | undefined;
}

export function followedChat(ref: ChatRef, resolved: ResolvedChat, selfId: string): FollowedChat {
  const { input } = resolved;
  if (input instanceof Api.InputPeerChannel) {
    const id = String(input.channelId);
    return { ref, key: `channel:${id}`, box: id, input, context: { forum: resolved.forum } };
  }
  if (input instanceof Api.InputPeerChat) {
    return { ref, key: `chat:${input.chatId}`, box: ACCOUNT_BOX, input, context: {} };
  }
  const user = input instanceof Api.InputPeerUser ? String(input.userId) : selfId;
  // In a private chat Telegram names no sender of the account's own messages.
  const context: MapContext = { self: { kind: 'user', id: toBigId(selfId) } };
  return { ref, key: `user:${user}`, box: ACCOUNT_BOX, input, context };
}

export function followed(chats: readonly FollowedChat[]): Followed {
  const byKey = new Map(chats.map((c) => [c.key, c]));
  const byBox = new Map(chats.filter((c) => c.box !== ACCOUNT_BOX).map((c) => [c.box, c]));
  return {
    chats,
    inAccount: chats.filter((c) => c.box === ACCOUNT_BOX),
    channelBoxes: [...byBox.keys()],
    byKey: (key) => byKey.get(key),
    byBox: (box) => byBox.get(box),
  };
}

/** The key of a message's peer (`channel:<id>`…), as `FollowedChat.key`. */
export function peerKey(peer: Api.TypePeer | undefined): string | undefined {
  if (peer instanceof Api.PeerChannel) return `channel:${peer.channelId}`;
  if (peer instanceof Api.PeerChat) return `chat:${peer.chatId}`;
  if (peer instanceof Api.PeerUser) return `user:${peer.userId}`;
  return undefined;
}
