import type { FileHandle } from 'node:fs/promises';
import {
  AbortError,
  type ChatRef,
  type HistoryRequest,
  isTimeZone,
  type MessageSource,
  parseChat,
  type SourceCoverage,
  SourceErrorCode,
  type TgMessage,
} from '@tgfetch/core';
import { ExportError, ExportErrorCode, sourceError } from './errors.js';
import { invalidExport, openExport, readRange, streamFile } from './file-io.js';
import { createJsonTokenizer, JsonSyntaxError } from './json-tokenizer.js';
import { createJsonWalker, type JsonValue } from './json-walker.js';
import { createWallClock } from './local-time.js';
import { type ExportMessage, exportTime, toTgMessage, type WallClock } from './message.js';
import type { MessageIndex } from './message-index.js';
import { createScanTokenizer, type ExportChatInfo, type ScanResult } from './scan.js';
import { matchesChat, pickChat } from './select-chat.js';

export interface ExportSourceOptions {
  /** Path of the `result.json` written by Telegram Desktop ("Export chat history", JSON). */
  file: string;
  /**
   * The canonical chat the messages are served as: what `HistoryRequest.chat` must name and
   * what every message's `chat` holds (exports carry no username, so pass `@name` here to
   * file them under it). A numeric chat also chooses the chat of a full-account export
   * unless `exportChat` is given.
   * @default the chosen chat's marked id (`-100…` for channels and supergroups)
   */
  chat?: string | number;
  /**
   * Which chat of a full-account export to read: its id as exported, its marked id
   * (`-1001234567890`) or its exact name. Not needed when the export holds one chat.
   * @default the numeric `chat`, else the export's only chat
   */
  exportChat?: string | number;
  /**
   * The zone of the naive local `date`s of exports older than 2021 (no `date_unixtime`):
   * Telegram Desktop wrote the exporting computer's wall time with no offset, so it cannot
   * be known from the file. Newer exports carry UTC epoch seconds and ignore this.
   * @default 'UTC'
   */
  timeZone?: string;
  /** Bytes read at a time. @default 65536 */
  chunkSize?: number;
}

/** The exported chat a source serves. */
export interface ExportSourceInfo extends ExportChatInfo {
  /** What requests must name and messages carry. */
  chat: ChatRef;
}

export interface ExportSource extends MessageSource {
  /**
   * The span of the export: days outside it are not covered, its last day (and its first,
   * unless it opens with the chat's creation) is stored partial (see core's `SourceCoverage`).
   */
  coverage(chat: ChatRef, signal: AbortSignal): Promise<SourceCoverage>;
  /**
   * Reads the file once (the only full pass) and says which chat it serves. `messages`
   * does this on first use; call it first to fail early on a bad file.
   */
  open(): Promise<ExportSourceInfo>;
  close(): Promise<void>;
}

interface Opened {
  handle: FileHandle;
  index: MessageIndex;
  info: ExportSourceInfo;
}

/** Bytes read back in one go when consecutive messages are served. */
const BATCH_BYTES = 1 << 20;
const BATCH_MESSAGES = 256;

/**
 * A `MessageSource` over a Telegram Desktop JSON export (a single chat, or a full-account
 * export with `chats.list`). Memory stays at 40 bytes a message plus one read buffer,
 * whatever the size of the file: the first pass keeps only where each message lies, and
 * requests read their messages back by offset, newest first.
 */
export function createExportSource(options: ExportSourceOptions): ExportSource {
  const timeZone = options.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) throw new TypeError(`Unknown time zone "${timeZone}"`);
  const chunkSize = options.chunkSize ?? 65_536;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new TypeError('chunkSize must be a positive integer');
  }
  let label: ChatRef | undefined;
  if (options.chat !== undefined) {
    const parsed = parseChat(options.chat);
    if (!parsed.ok) throw new TypeError(`Invalid chat: ${parsed.reason}`);
    label = parsed.chat;
  }
  const selector =
    options.exportChat !== undefined
      ? String(options.exportChat)
      : label !== undefined && !label.startsWith('@')
        ? label
        : undefined;
  const wallClock = createWallClock(timeZone);
  let opening: Promise<Opened> | undefined;
  let closed = false;

  const open = () => {
    if (closed)
      return Promise.reject(
        sourceError(SourceErrorCode.SOURCE_CLOSED, 'The export source is closed'),
      );
    opening ??= openFile(options.file, chunkSize, wallClock, selector, label);
    return opening;
  };

  return {
    async open() {
      return (await open()).info;
    },
    async close() {
      if (closed) return;
      closed = true;
      const opened = await opening?.catch(() => undefined);
      await opened?.handle.close();
    },
    async *messages(request, signal) {
      const { handle, index, info } = await open();
      checkChat(info, request.chat);
      yield* serve(handle, index, info.chat, request, signal, options.file, wallClock);
    },
    async coverage(chat, signal) {
      const { index, info } = await open();
      if (signal.aborted) throw new AbortError();
      checkChat(info, chat);
      // An export knows the days from its first post to its last, nothing before or after,
      // and its edge days only in part: it does not say when it was made, so its last day
      // may have later posts; nor, when Telegram Desktop was given a start ("From" a date
      // and time), what came before it on its first day, unless it opens with the chat's
      // creation.
      if (index.first === undefined || index.last === undefined) return null;
      return {
        first: index.first,
        last: index.last,
        ...(index.fromStart ? { fromStart: true } : {}),
      };
    },
  };
}

function checkChat(info: ExportSourceInfo, chat: ChatRef): void {
  const asked = parseChat(chat);
  if (!asked.ok || asked.chat !== info.chat) {
    throw sourceError(
      SourceErrorCode.CHAT_NOT_FOUND,
      `This export serves ${info.chat}, not ${chat}`,
    );
  }
}

async function openFile(
  file: string,
  chunkSize: number,
  wallClock: WallClock,
  selector: string | undefined,
  label: ChatRef | undefined,
): Promise<Opened> {
  const handle = await openExport(file);
  try {
    let kept = 0;
    const scan = createScanTokenizer({
      wallClock,
      keep: (chat) => (selector === undefined ? kept++ === 0 : matchesChat(chat, selector)),
    });
    let result: ScanResult;
    try {
      await streamFile(handle, scan.tokenizer, chunkSize);
      result = scan.finish();
    } catch (error) {
      throw await invalidExport(handle, file, error);
    }
    const at = pickChat(file, result.chats, selector);
    const chosen = result.chats[at]!;
    const chat = label ?? chosen.chat;
    if (chat === undefined) {
      throw new ExportError(
        ExportErrorCode.EXPORT_INVALID,
        `${file}: the chat has no "id"; pass the chat option to name it`,
      );
    }
    return { handle, index: result.indexes.get(at)!, info: { ...chosen, chat } };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function* serve(
  handle: FileHandle,
  index: MessageIndex,
  chat: ChatRef,
  request: HistoryRequest,
  signal: AbortSignal,
  file: string,
  wallClock: WallClock,
): AsyncGenerator<TgMessage> {
  let left = request.limit ?? Number.POSITIVE_INFINITY;
  const positions = index.select(request)[Symbol.iterator]();
  let next = positions.next();
  while (!next.done && left > 0) {
    // Newest first is backwards through the file: read a run of neighbours in one go.
    const batch: number[] = [];
    let low = Number.POSITIVE_INFINITY;
    let high = 0;
    while (!next.done && batch.length < Math.min(BATCH_MESSAGES, left)) {
      const at = next.value;
      const lo = Math.min(low, index.start(at));
      const hi = Math.max(high, index.end(at));
      if (batch.length > 0 && hi - lo > BATCH_BYTES) break;
      batch.push(at);
      low = lo;
      high = hi;
      next = positions.next();
    }
    if (signal.aborted) throw new AbortError();
    const bytes = await readRange(handle, low, high);
    for (const at of batch) {
      if (signal.aborted) throw new AbortError();
      const start = index.start(at);
      let raw: ExportMessage;
      try {
        raw = parseObject(bytes.subarray(start - low, index.end(at) - low), start);
      } catch (error) {
        throw await invalidExport(handle, file, error);
      }
      const time = exportTime(raw, 'date', wallClock)!;
      left--;
      const message = toTgMessage(raw, chat, time, wallClock);
      // A comment of a discussion group: its thread's copy names the channel, not the post.
      const link = index.threadOf(message.id);
      if (link) message.comment_of = { chat: `-100${link.channel}`, id: null, thread: link.thread };
      yield message;
    }
  }
}

/** Parses one message object read back from the file; `offset` places errors in the file. */
function parseObject(bytes: Uint8Array, offset: number): ExportMessage {
  let value: JsonValue | undefined;
  const tokenizer = createJsonTokenizer(
    createJsonWalker({
      capture: () => true,
      captured: (_path, v) => {
        value = v;
      },
    }),
    offset,
  );
  tokenizer.write(bytes);
  tokenizer.end();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JsonSyntaxError('a message is not an object (has the file changed?)', offset);
  }
  return value;
}
