import { type BigId, isoSeconds } from '@tgfetch/core';
import { createJsonTokenizer, JsonSyntaxError } from './json-tokenizer.js';
import { createJsonWalker, type JsonPath, type JsonValue } from './json-walker.js';
import { exportTime, type WallClock } from './message.js';
import {
  createIndexBuilder,
  type IndexBuilder,
  type MessageIndex,
  type MessageLinks,
} from './message-index.js';
import { markedChat, peerId, peerOf } from './peer.js';

/** One chat of an export, as `listExportChats` reports it. */
export interface ExportChatInfo {
  /** The chat's title as exported. */
  name: string | undefined;
  /** Telegram Desktop's chat type: `public_channel`, `private_supergroup`, `personal_chat`, … */
  type: string | undefined;
  /** The id as exported (bare: no `-100`). */
  id: BigId | undefined;
  /** The canonical chat it is served as by default: the marked id (`-100…` for channels). */
  chat: string | undefined;
  /** `chat` for a single-chat export, else the list it is in. */
  section: 'chat' | 'chats' | 'left_chats';
  messages: number;
  /** ISO-8601 UTC of its oldest and newest message. */
  first: string | undefined;
  last: string | undefined;
}

export interface ScanOptions {
  wallClock: WallClock;
  /** Keeps the index of the chats it accepts (the caller picks among them later). */
  keep: (chat: ExportChatInfo) => boolean;
}

export interface ScanResult {
  format: 'chat' | 'account';
  chats: ExportChatInfo[];
  /** Indexes of the kept chats, by position in `chats`. */
  indexes: Map<number, MessageIndex>;
}

interface ChatState {
  info: ExportChatInfo;
  builder: IndexBuilder;
}

const CHAT_FIELDS = new Set(['name', 'type', 'id']);
const SECTIONS = new Set(['chats', 'left_chats']);

/**
 * The first pass over an export: tokenizes the whole file once, builds each message object
 * just long enough to read its id and date, and keeps per chat an index of where each
 * message lies. Returns a `JsonEvents` to feed and a `finish` to call at the end.
 */
export function createScanner(options: ScanOptions) {
  const chats: ExportChatInfo[] = [];
  const indexes = new Map<number, MessageIndex>();
  let current: ChatState | undefined;
  let format: 'chat' | 'account' | undefined;
  let rootChat: ChatState | undefined;

  const newChat = (section: ExportChatInfo['section']): ChatState => ({
    info: {
      name: undefined,
      type: undefined,
      id: undefined,
      chat: undefined,
      section,
      messages: 0,
      first: undefined,
      last: undefined,
    },
    builder: createIndexBuilder(),
  });

  const finishChat = (state: ChatState) => {
    const { info } = state;
    if (info.id !== undefined) info.chat = markedChat(info.id, info.type);
    const index = state.builder.finish();
    info.messages = index.count;
    if (index.first !== undefined) info.first = isoSeconds(index.first);
    if (index.last !== undefined) info.last = isoSeconds(index.last);
    chats.push(info);
    if (options.keep(info)) indexes.set(chats.length - 1, index);
  };

  const walker = createJsonWalker({
    capture(path, kind, offset) {
      if (!isMessagePath(path)) return false;
      if (kind !== 'object') throw new JsonSyntaxError('a message is not an object', offset);
      return true;
    },
    captured(_path, value, start, end) {
      const raw = value as { [key: string]: JsonValue };
      const state = current!;
      const id = raw.id;
      if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
        throw new JsonSyntaxError('a message has no integer "id"', start);
      }
      const time = exportTime(raw, 'date', options.wallClock);
      if (time === undefined) {
        throw new JsonSyntaxError(`message ${id} has no valid "date"`, start);
      }
      state.builder.add(id, time, start, end, isCreation(raw), linksOf(raw));
    },
    scalar(path, value, offset) {
      if (isMessagePath(path)) throw new JsonSyntaxError('a message is not an object', offset);
      if (isMessagesPath(path)) throw new JsonSyntaxError('"messages" is not an array', offset);
      if (path.length === 0) throw new JsonSyntaxError('the export is not a JSON object', offset);
      const state = chatFieldOwner(path);
      if (state && value !== null) {
        const field = path[path.length - 1] as 'name' | 'type' | 'id';
        if (field === 'id') state.info.id = peerId(value) ?? String(value);
        else if (typeof value === 'string') state.info[field] = value;
      }
    },
    enter(path, kind, offset) {
      const expected = expectedKind(path);
      if (expected && expected !== kind) {
        throw new JsonSyntaxError(`${describePath(path)} is not an ${expected}`, offset);
      }
      if (path.length === 1 && path[0] === 'messages') {
        format = 'chat';
        rootChat ??= newChat('chat');
        current = rootChat;
      } else if (path.length === 1 && SECTIONS.has(path[0] as string)) format ??= 'account';
      else if (isChatPath(path)) current = newChat(path[0] as 'chats' | 'left_chats');
    },
    leave(path) {
      if (isChatPath(path) && current) {
        finishChat(current);
        current = undefined;
      }
    },
  });

  const chatFieldOwner = (path: JsonPath): ChatState | undefined => {
    const field = path[path.length - 1];
    if (typeof field !== 'string' || !CHAT_FIELDS.has(field)) return undefined;
    if (path.length === 1) {
      rootChat ??= newChat('chat');
      return rootChat;
    }
    return path.length === 4 && isChatPath(path.slice(0, 3)) ? current : undefined;
  };

  const finish = (): ScanResult => {
    if (format === 'chat' && rootChat) finishChat(rootChat);
    if (format === undefined) {
      throw new JsonSyntaxError(
        'no "messages" array and no "chats" list: this is not a Telegram Desktop JSON export (result.json)',
        0,
      );
    }
    return { format, chats, indexes };
  };

  return { events: walker, finish };
}

export function createScanTokenizer(options: ScanOptions) {
  const scanner = createScanner(options);
  return { tokenizer: createJsonTokenizer(scanner.events), finish: scanner.finish };
}

/**
 * How a message links to others of its chat: the message it replies to (a reply into
 * another chat names it in `reply_to_peer_id`, and is no link here), and whether it is a
 * channel post's automatic copy in the channel's discussion group. Telegram Desktop writes
 * such a copy as sent by the channel (`from_id` "channel…"), forwarded from it
 * (`forwarded_from`, and `forwarded_from_id` in newer versions) and saved from it
 * (`saved_from`); it does not write the post's id.
 */
function linksOf(raw: { [key: string]: JsonValue }): MessageLinks {
  const links: MessageLinks = {};
  const reply = raw.reply_to_message_id;
  if (typeof reply === 'number' && raw.reply_to_peer_id === undefined) links.replyTo = reply;
  const sender = peerOf(raw.from_id);
  const origin = peerOf(raw.forwarded_from_id) ?? sender;
  if (
    raw.type === 'message' &&
    sender?.kind === 'channel' &&
    origin?.kind === 'channel' &&
    String(origin.id) === String(sender.id) &&
    raw.forwarded_from !== undefined &&
    raw.saved_from !== undefined
  ) {
    links.copyOf = String(sender.id);
  }
  return links;
}

/**
 * The service message a chat's history opens with. A supergroup's `migrate_from_group` is
 * not one: its history before that is the basic group's.
 */
function isCreation(raw: { [key: string]: JsonValue }): boolean {
  return (
    raw.type === 'service' && (raw.action === 'create_channel' || raw.action === 'create_group')
  );
}

function isMessagesPath(path: JsonPath): boolean {
  return (
    (path.length === 1 && path[0] === 'messages') ||
    (path.length === 4 && path[3] === 'messages' && isChatPath(path.slice(0, 3)))
  );
}

function isMessagePath(path: JsonPath): boolean {
  const n = path.length;
  return (
    (n === 2 || n === 5) && typeof path[n - 1] === 'number' && isMessagesPath(path.slice(0, -1))
  );
}

function isChatPath(path: JsonPath): boolean {
  return (
    path.length === 3 &&
    SECTIONS.has(path[0] as string) &&
    path[1] === 'list' &&
    typeof path[2] === 'number'
  );
}

function expectedKind(path: JsonPath): 'object' | 'array' | undefined {
  if (path.length === 0) return 'object';
  if (isMessagesPath(path)) return 'array';
  if (path.length === 1 && SECTIONS.has(path[0] as string)) return 'object';
  if (path.length === 2 && SECTIONS.has(path[0] as string) && path[1] === 'list') return 'array';
  if (isChatPath(path)) return 'object';
  return undefined;
}

function describePath(path: JsonPath): string {
  if (path.length === 0) return 'the export';
  return `"${path
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[')}"`;
}
