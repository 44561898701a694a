import type { BigId, TgPeer } from '@tgfetch/core';
import type { Api } from 'telegram';

/**
 * Telegram's 64-bit ids arrive as big-integer objects (or numbers for 32-bit fields). The
 * message JSON keeps them as numbers while they are safe integers and as exact decimal
 * strings beyond, so no id is ever rounded.
 */
export type LongLike = { toString(): string } | number | bigint;

export function toBigId(value: LongLike): BigId {
  const text = String(value);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** Marked ids as Bot API and tgfetch chat refs write them: `-100…` channels, `-…` basic groups. */
const CHANNEL_MARK = 1_000_000_000_000n;

export type PeerKind = 'user' | 'chat' | 'channel';

export function markedId(kind: PeerKind, id: LongLike): string {
  const raw = BigInt(String(id));
  if (kind === 'channel') return String(-(CHANNEL_MARK + raw));
  if (kind === 'chat') return String(-raw);
  return String(raw);
}

/** Splits a marked id (a tgfetch numeric chat ref) into its kind and raw id. */
export function unmarkId(marked: string): { kind: PeerKind; id: string } {
  const value = BigInt(marked);
  if (value <= -CHANNEL_MARK) return { kind: 'channel', id: String(-value - CHANNEL_MARK) };
  if (value < 0n) return { kind: 'chat', id: String(-value) };
  return { kind: 'user', id: String(value) };
}

/** A gramjs peer as the message JSON's `{kind, id}`. */
export function toPeer(peer: Api.TypePeer | undefined): TgPeer | null {
  if (!peer) return null;
  switch (peer.className) {
    case 'PeerUser':
      return { kind: 'user', id: toBigId(peer.userId) };
    case 'PeerChat':
      return { kind: 'chat', id: toBigId(peer.chatId) };
    case 'PeerChannel':
      return { kind: 'channel', id: toBigId(peer.channelId) };
    default:
      return null;
  }
}

export function samePeer(a: TgPeer | null | undefined, b: TgPeer | null | undefined): boolean {
  return !!a && !!b && a.kind === b.kind && String(a.id) === String(b.id);
}
