import type { ChatRef, DayDocument } from '@tgfetch/core';

/** What the console can tell of a chat from what is stored: nothing records a title or kind. */
export interface ChatInfo {
  /** The newest title a stored service message gave it (a creation, a rename). */
  title?: string;
  /** `channel`, `group`, `supergroup`, `private`, or `channel or supergroup` when undecided. */
  kind: string;
}

function kindOfId(chat: ChatRef): string {
  if (chat.startsWith('-100')) return 'channel or supergroup';
  if (chat.startsWith('-')) return 'group';
  if (/^\d+$/.test(chat)) return 'private';
  return 'unknown';
}

/** Reads kind and title off a stored day: channel posts carry views and no user sender. */
export function chatInfo(chat: ChatRef, day: DayDocument | undefined): ChatInfo {
  const messages = day?.messages ?? [];
  let title: string | undefined;
  for (const m of messages) {
    const t = m.action?.title;
    if (typeof t === 'string') title = t.slice(0, 256);
  }
  const posts = messages.filter((m) => m.type !== 'service' && m.deleted !== true);
  let kind = kindOfId(chat);
  if (posts.length > 0 && kind !== 'private') {
    const fromUsers = posts.some((m) => m.from?.kind === 'user');
    const channelPosts = posts.every(
      (m) =>
        typeof m.views === 'number' &&
        (m.from === undefined || m.from === null || m.from.kind === 'channel'),
    );
    if (channelPosts) kind = 'channel';
    else if (fromUsers) kind = kind === 'group' ? 'group' : 'supergroup';
  }
  return { ...(title === undefined ? {} : { title }), kind };
}
