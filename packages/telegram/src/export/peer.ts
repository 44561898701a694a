import type { BigId, ChatRef, TgPeer } from '@tgfetch/core';
import type { JsonValue } from './json-walker.js';

const PEER = /^(?:user|channel|chat)?([0-9]{1,20})$/;

/**
 * A sender or forward origin as exported: `"user123"`, `"channel123"`, `"chat123"` (or a
 * bare number in 2020-era exports) becomes Telegram's bare id `123`, a number while it is
 * a safe integer and its decimal string beyond. The prefix is dropped on purpose: it is
 * what the export has, and `from_name` says who it was.
 */
export function peerId(value: JsonValue | undefined): BigId | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = PEER.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : m[1]!.replace(/^0+(?=.)/, '');
}

const KIND = /^(user|channel|chat)([0-9]{1,20})$/;

/**
 * A sender, forward origin or replied-to chat as exported (`"user123"`, `"channel123"`,
 * `"chat123"`) with its kind, so that user 123 and channel 123 stay apart. A bare number
 * (2020-era exports) names no kind: undefined.
 */
export function peerOf(value: JsonValue | undefined): TgPeer | undefined {
  if (typeof value !== 'string') return undefined;
  const m = KIND.exec(value);
  if (!m) return undefined;
  const id = peerId(m[2]);
  return id === undefined ? undefined : { kind: m[1] as TgPeer['kind'], id };
}

/** The peer of a canonical (marked) chat id, to tell replies into other chats apart. */
export function peerOfChat(chat: ChatRef): TgPeer | undefined {
  if (!/^-?[0-9]{1,20}$/.test(chat)) return undefined;
  const value = BigInt(chat);
  const mark = 1_000_000_000_000n;
  const [kind, raw]: [TgPeer['kind'], bigint] =
    value <= -mark ? ['channel', -value - mark] : value < 0n ? ['chat', -value] : ['user', value];
  const n = Number(raw);
  return { kind, id: Number.isSafeInteger(n) ? n : String(raw) };
}

const CHANNEL_TYPES = new Set([
  'public_channel',
  'private_channel',
  'public_supergroup',
  'private_supergroup',
]);

/**
 * The canonical chat of an exported chat: the id in the "marked" form the Bot API and gramjs
 * use, which is what users pass as a numeric chat (`-100…` for channels and supergroups,
 * `-…` for basic groups, the bare id for users and bots). Exports carry no username.
 */
export function markedChat(id: BigId, type: string | undefined): ChatRef {
  const bare = String(id).replace(/^-/, '');
  if (type !== undefined && CHANNEL_TYPES.has(type)) return `-100${bare}`;
  if (type === 'private_group') return `-${bare}`;
  return bare;
}
