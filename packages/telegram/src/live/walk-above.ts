import type { TgMessage } from '@tgfetch/core';
import { Api } from 'telegram';
import { PAGE_SIZE, walkHistory } from '../history.js';
import type { FollowedChat } from './followed.js';

type Send = (request: Api.messages.GetHistory) => Promise<Api.messages.TypeMessages>;

/**
 * A chat's messages above id `floor`, newest first, through the history walk fetching uses
 * (pages of `messages.GetHistory` bounded below by `min_id`): how a chat catches up when
 * its updates cannot be had (a difference that was too long, a chat followed for the first
 * time). What happened to messages at or below `floor` meanwhile is not seen here.
 */
export function walkAbove(
  chat: FollowedChat,
  floor: number,
  send: Send,
  signal: AbortSignal,
): AsyncGenerator<TgMessage, boolean> {
  return walkHistory(
    { chat: chat.ref, from: 0, to: Number.MAX_SAFE_INTEGER },
    {
      signal,
      context: () => chat.context,
      page: ({ offsetId }) =>
        send(
          new Api.messages.GetHistory({
            peer: chat.input,
            offsetId,
            offsetDate: 0,
            addOffset: 0,
            limit: PAGE_SIZE,
            maxId: 0,
            minId: floor,
          }),
        ).then((page) => onlyAbove(page, floor)),
    },
  );
}

/** A page without what lies at or below `floor` (a server that ignores `min_id` ends the walk there). */
function onlyAbove(page: Api.messages.TypeMessages, floor: number): Api.messages.TypeMessages {
  if (page instanceof Api.messages.MessagesNotModified) return page;
  page.messages = page.messages.filter((m) => m.id > floor);
  return page;
}
