import type { DayDocument, MessageStore } from '@tgfetch/core';
import { type ConnectionOptions, type ConnectionState, openConnection } from './connection.js';
import { closedError } from './errors.js';
import { encodeMessagesStreamEntry } from './messages-stream-entry.js';

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

  const append = async (day: DayDocument): Promise<number> => {
    if (closed) throw closedError('messages stream');
    if (day.messages.length === 0) return 0;
    const batch = client.multi();
    for (const message of day.messages) {
      const entry = encodeMessagesStreamEntry({
        change: 'new',
        chat: day.chat,
        time_zone: day.time_zone,
        date: day.date,
        message,
      });
      batch.xAdd(stream, '*', entry, {
        TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: maxLen },
      });
    }
    try {
      await batch.exec();
    } catch (error) {
      throw connection.translate(error);
    }
    return day.messages.length;
  };

  return {
    append,
    // Everything but writeDay goes to the store as it is: its file paths in events too.
    wrap: (store) => ({
      async writeDay(day) {
        const result = await store.writeDay(day);
        await append(day);
        return result;
      },
      readDay: (chat, date) => store.readDay(chat, date),
      ...(store.filePath ? { filePath: (location: string) => store.filePath!(location) } : {}),
    }),
    state: connection.state,
    async close() {
      if (closed) return;
      closed = true;
      await connection.close();
    },
  };
}
