import type { BigId, ChatRef } from '@tgfetch/core';
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
