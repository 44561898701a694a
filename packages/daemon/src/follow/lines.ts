import type { AppliedMessage } from '@tgfetch/core';

/** Longest text a terminal line shows of a message. */
const SHOWN = 80;

/**
 * One readable line per stored change: when, what, where, which message, the start of its
 * text. Message text is anyone's: control characters (newlines, terminal escapes, bidi
 * overrides) are shown as spaces so a line stays one line and cannot repaint the terminal.
 */
export function changeLine(m: AppliedMessage): string {
  const when =
    m.kind === 'deleted'
      ? (m.message.deleted_at ?? m.message.date)
      : (m.message.edit_date ?? m.message.date);
  const text = (m.message.text ?? '').replace(/[\p{Cc}\p{Cf}]/gu, ' ');
  const shown = text.length > SHOWN ? `${text.slice(0, SHOWN - 1)}…` : text;
  return `${when} ${m.kind.padEnd(7)} ${m.chat} #${m.message.id}${shown ? ` ${shown}` : ''}`;
}
