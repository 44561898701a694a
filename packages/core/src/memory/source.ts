import { parseChat } from '../chat.js';
import { SourceErrorCode } from '../error-codes.js';
import { coreError } from '../errors.js';
import { messageTime, type TgMessage } from '../message.js';
import type { HistoryRequest, MessageSource } from '../ports.js';

export interface MemorySourceOptions {
  /**
   * Called before each message is yielded, with how many this call has yielded; a returned
   * error is thrown there. Lets tests put a flood wait or a disconnect mid-walk.
   */
  fault?: (yielded: number, request: HistoryRequest) => unknown;
}

export interface MemorySource extends MessageSource {
  /** The requests received, in order. */
  readonly requests: HistoryRequest[];
  /** Adds or replaces a chat's messages. */
  set(chat: string, messages: readonly TgMessage[]): void;
}

/** A source over messages held in memory: for embedding known data and for tests. */
export function createMemorySource(
  chats: Record<string, readonly TgMessage[]> = {},
  options: MemorySourceOptions = {},
): MemorySource {
  const byChat = new Map<string, TgMessage[]>();
  const requests: HistoryRequest[] = [];
  const set = (chat: string, messages: readonly TgMessage[]) => {
    const parsed = parseChat(chat);
    if (!parsed.ok) throw new TypeError(parsed.reason);
    byChat.set(
      parsed.chat,
      [...messages].sort((a, b) => b.id - a.id),
    );
  };
  for (const [chat, messages] of Object.entries(chats)) set(chat, messages);

  return {
    requests,
    set,
    async *messages(request, signal) {
      requests.push(request);
      const all = byChat.get(request.chat);
      if (!all)
        throw coreError(SourceErrorCode.CHAT_NOT_FOUND, `No chat ${request.chat} in this source`);
      let yielded = 0;
      for (const message of all) {
        if (signal.aborted) return;
        if (request.beforeId !== undefined && message.id >= request.beforeId) continue;
        const time = messageTime(message);
        if (time >= request.to || time < request.from) continue;
        if (request.limit !== undefined && yielded >= request.limit) return;
        const fault = options.fault?.(yielded, request);
        if (fault !== undefined) throw fault;
        yielded++;
        yield message;
      }
    },
  };
}
