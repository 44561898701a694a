import type { AppliedMessage, DayDocument, MessageStore } from '@tgfetch/core';
import { type ConnectionOptions, type ConnectionState, openConnection } from './connection.js';
import { closedError } from './errors.js';
import { encodeMessagesStreamEntry, type MessagesStreamEntry } from './messages-stream-entry.js';

export interface MessagesStreamOptions extends ConnectionOptions {
  /** The stream each stored day's messages are appended to, such as `tg_messages`. */
  stream: string;
  /** Approximate bound of the stream (`XADD … MAXLEN ~ n`). @default 1_000_000 */
  maxLen?: number;
}

/** The writer of the messages stream (`createMessagesStreamReader` reads it). */
export interface MessagesStream {
  /**
   * Appends a day's messages as `new` entries (`MESSAGES_STREAM_FIELDS`), all or none (one
   * MULTI/EXEC). Resolves with how many.
   */
  append(day: DayDocument): Promise<number>;
  /**
   * Appends live changes as applied to the store (`applyChanges`' `messages`): each
   * message as stored, under its kind, all or none (one MULTI/EXEC). Resolves with how many.
   */
  appendApplied(messages: readonly AppliedMessage[]): Promise<number>;
  /**
   * `store` with `writeDay` appending the day's messages once it is stored. A failed append
   * fails the write (retryable): the engine writes the day again (idempotent) and appends
   * again, so downstream consumers get every stored message at least once.
   */
  wrap(store: MessageStore): MessageStore;
  state(): ConnectionState;
  close(): Promise<void>;
}

export async function createMessagesStream(
  options: MessagesStreamOptions,
): Promise<MessagesStream> {
  const { stream } = options;
  const maxLen = options.maxLen ?? 1_000_000;
  const connection = await openConnection(options);
  const client = connection.client;
  let closed = false;

  const write = async (entries: readonly MessagesStreamEntry[]): Promise<number> => {
    if (closed) throw closedError('messages stream');
    if (entries.length === 0) return 0;
    const batch = client.multi();
    for (const entry of entries) {
      batch.xAdd(stream, '*', encodeMessagesStreamEntry(entry), {
        TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: maxLen },
      });
    }
    try {
      await batch.exec();
    } catch (error) {
      throw connection.translate(error);
    }
    return entries.length;
  };
  const append = (day: DayDocument) =>
    write(
      day.messages.map((message) => ({
        change: 'new' as const,
        chat: day.chat,
        time_zone: day.time_zone,
        date: day.date,
        message,
      })),
    );

  return {
    append,
    appendApplied: (messages) =>
      write(
        messages.map((m) => ({
          change: m.kind,
          chat: m.chat,
          time_zone: m.time_zone,
          date: m.date,
          message: m.message,
        })),
      ),
    // Everything but writeDay goes to the store as it is (file paths in events, the zone
    // rule, locating deletions), and closing stays the store owner's.
    wrap: (store) => ({
      async writeDay(day) {
        const result = await store.writeDay(day);
        await append(day);
        return result;
      },
      readDay: (chat, date) => store.readDay(chat, date),
      ...(store.filePath ? { filePath: (location: string) => store.filePath!(location) } : {}),
      ...(store.locate ? { locate: (chat, ids) => store.locate!(chat, ids) } : {}),
      ...(store.zoneOf ? { zoneOf: (chat) => store.zoneOf!(chat) } : {}),
    }),
    state: connection.state,
    async close() {
      if (closed) return;
      closed = true;
      await connection.close();
    },
  };
}
