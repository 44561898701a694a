import type { AppliedMessage } from '@tgfetch/core';
import { lineText } from '../terminal/text.js';

/** Longest text a terminal line shows of a message. */
const SHOWN = 80;

/**
 * One readable line per stored change: when, what, where, which message, the start of its
 * text (anyone's: shown by `lineText`).
 */
export function changeLine(m: AppliedMessage): string {
  const when =
    m.kind === 'deleted'
      ? (m.message.deleted_at ?? m.message.date)
      : (m.message.edit_date ?? m.message.date);
  const shown = lineText(m.message.text ?? '', SHOWN);
  return `${when} ${m.kind.padEnd(7)} ${m.chat} #${m.message.id}${shown ? ` ${shown}` : ''}`;
}
