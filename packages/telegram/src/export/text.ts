import type { TgEntity } from '@tgfetch/core';
import type { JsonValue } from './json-walker.js';
import { peerId } from './peer.js';

/**
 * Export entity names that differ from the snake-case MTProto names the gramjs source
 * writes (`MessageEntityUrl` is `url`, `MessageEntityTextUrl` is `text_url`), so that a day
 * file means the same whichever source wrote it.
 */
const ENTITY_TYPES: Record<string, string> = {
  link: 'url',
  text_link: 'text_url',
  strikethrough: 'strike',
};

/**
 * Plain text and entities of an export message. The export splits text into pieces (plain
 * strings, and objects `{type, text, href?, user_id?, language?, document_id?}`); joining
 * them gives the text, and each non-plain piece becomes an entity whose offset and length
 * count UTF-16 code units, as Telegram's do (a JS string length is exactly that).
 * `text_entities` (every export since 2021) is preferred; older ones only have `text`.
 */
export function messageText(raw: Record<string, JsonValue>): {
  text: string;
  entities: TgEntity[];
} {
  const pieces = Array.isArray(raw.text_entities)
    ? raw.text_entities
    : Array.isArray(raw.text)
      ? raw.text
      : [typeof raw.text === 'string' ? raw.text : ''];
  let text = '';
  const entities: TgEntity[] = [];
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      text += piece;
      continue;
    }
    if (piece === null || typeof piece !== 'object' || Array.isArray(piece)) continue;
    const part = typeof piece.text === 'string' ? piece.text : '';
    const type = typeof piece.type === 'string' ? piece.type : 'plain';
    if (type !== 'plain' && part.length > 0) {
      entities.push(entity(piece, ENTITY_TYPES[type] ?? type, text.length, part.length));
    }
    text += part;
  }
  return { text, entities };
}

function entity(
  piece: { [key: string]: JsonValue },
  type: string,
  offset: number,
  length: number,
): TgEntity {
  const e: TgEntity = { type, offset, length };
  if (typeof piece.href === 'string') e.url = piece.href;
  const user = peerId(piece.user_id);
  if (user !== undefined) e.user_id = user;
  if (typeof piece.language === 'string' && piece.language !== '') e.language = piece.language;
  // Exports put a sticker's file path here unless the id is known; only a number is an id.
  if (type === 'blockquote' && piece.collapsed === true) e.collapsed = true;
  const doc = piece.document_id;
  if ((typeof doc === 'string' && /^[0-9]+$/.test(doc)) || typeof doc === 'number') {
    e.custom_emoji_id = String(doc);
  }
  return e;
}
