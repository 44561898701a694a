import { AbortError, type HistoryRequest, type TgMessage } from '@tgfetch/core';
import { Api } from 'telegram';
import { tgError } from './error-builders.js';
import { TelegramErrorCode } from './error-codes.js';
import { type MapContext, mapMessage } from './map-message.js';

/** Telegram's largest page for `messages.GetHistory`. */
export const PAGE_SIZE = 100;

export type HistoryPage = Api.messages.TypeMessages;

export interface WalkDeps {
  /** Fetches one page (already resolved peer, pacing and error translation applied). */
  page(query: { offsetId: number; offsetDate: number }): Promise<HistoryPage>;
  /** How to read the messages of a page (forum or not, which peer they belong to). */
  context?(page: HistoryPage): MapContext;
  signal: AbortSignal;
}

/**
 * Walks one range of history newest first with `messages.GetHistory`: the first page jumps
 * straight to the end of the range (`offset_date`, or `offset_id` when resuming), each next
 * page continues below the smallest id seen, and the walk ends on an empty page or on a page
 * that reaches back past `from`. A short page is not the end: channels return them, and
 * neither is `messages.messagesNotModified` (an answer to a `hash` we never send, with no
 * messages): it fails the walk with a retryable `HISTORY_NOT_MODIFIED`, so the caller's
 * retry policy asks for the same page again and the day in hand is never taken as read.
 * Cost: about ceil(messages in range / 100) + 1 requests, nothing outside the range.
 * Returns true when the walk reached back past `from` or the limit (nothing older is
 * wanted), false when the history itself ended.
 */
export async function* walkHistory(
  request: HistoryRequest,
  deps: WalkDeps,
): AsyncGenerator<TgMessage, boolean> {
  const { signal } = deps;
  const limit = request.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return true;
  let offsetId = request.beforeId ?? 0;
  let offsetDate = request.beforeId === undefined ? Math.ceil(request.to / 1000) : 0;
  let yielded = 0;
  for (;;) {
    if (signal.aborted) throw new AbortError();
    const page = await deps.page({ offsetId, offsetDate });
    if (page instanceof Api.messages.MessagesNotModified) {
      throw tgError(
        TelegramErrorCode.HISTORY_NOT_MODIFIED,
        `Telegram answered messages.GetHistory of ${request.chat} with messages.messagesNotModified (no messages) at offset id ${offsetId}: not the end of its history`,
      );
    }
    const messages = [...page.messages];
    if (messages.length === 0) return false;
    const context = deps.context?.(page) ?? {};
    messages.sort((a, b) => b.id - a.id);
    let passed = false;
    for (const message of messages) {
      if (offsetId > 0 && message.id >= offsetId) continue;
      if (message instanceof Api.MessageEmpty) continue;
      const time = message.date * 1000;
      if (time < request.from) {
        passed = true;
        continue;
      }
      if (time >= request.to) continue;
      const mapped = mapMessage(message, request.chat, context);
      if (!mapped) continue;
      yield mapped;
      if (signal.aborted) throw new AbortError();
      if (++yielded >= limit) return true;
    }
    const smallest = messages[messages.length - 1]!.id;
    // A server that answers the same page again must not hold us in a loop.
    if (passed) return true;
    if ((offsetId > 0 && smallest >= offsetId) || smallest <= 1) return false;
    offsetId = smallest;
    offsetDate = 0;
  }
}
