import { ExportError, ExportErrorCode } from './errors.js';
import type { ExportChatInfo } from './scan.js';

/** True when `selector` names this chat: its exported id, its marked id, or its exact name. */
export function matchesChat(chat: ExportChatInfo, selector: string): boolean {
  return (
    (chat.id !== undefined && String(chat.id) === selector) ||
    chat.chat === selector ||
    chat.name === selector
  );
}

/** Picks the one chat to serve, or explains why there is not exactly one. */
export function pickChat(
  file: string,
  chats: readonly ExportChatInfo[],
  selector: string | undefined,
): number {
  const candidates = chats
    .map((chat, at) => ({ chat, at }))
    .filter(({ chat }) => selector === undefined || matchesChat(chat, selector));
  if (candidates.length === 1) return candidates[0]!.at;
  if (chats.length === 0) {
    throw new ExportError(ExportErrorCode.EXPORT_CHAT_NOT_FOUND, `${file} holds no chats`);
  }
  if (candidates.length === 0) {
    throw new ExportError(
      ExportErrorCode.EXPORT_CHAT_NOT_FOUND,
      `${file} has no chat "${selector}"; it holds: ${listChats(chats)}`,
    );
  }
  throw new ExportError(
    ExportErrorCode.EXPORT_AMBIGUOUS,
    `${file} holds ${candidates.length} chats${selector === undefined ? '' : ` named "${selector}"`}; choose one with the chat option (its id): ${listChats(candidates.map((c) => c.chat))}`,
  );
}

const LISTED = 20;

function listChats(chats: readonly ExportChatInfo[]): string {
  const shown = chats
    .slice(0, LISTED)
    .map(
      (c) =>
        `${c.chat ?? '(no id)'} "${c.name ?? ''}" (${c.type ?? 'unknown'}, ${c.messages} messages)`,
    );
  const more = chats.length > LISTED ? `, and ${chats.length - LISTED} more` : '';
  return `${shown.join(', ')}${more}`;
}
