import type { DayDocument } from '../day.js';
import { isoSeconds, type TgMessage } from '../message.js';

export interface MessageSpec {
  chat: string;
  /** Epoch ms of the first message. */
  start: number;
  count: number;
  /** Ms between consecutive messages. @default 60_000 */
  step?: number;
  /** Id of the first message. @default 1 */
  firstId?: number;
}

/** Evenly spaced plain messages, ids ascending with time: test data for any port. */
export function makeMessages(spec: MessageSpec): TgMessage[] {
  const step = spec.step ?? 60_000;
  const firstId = spec.firstId ?? 1;
  return Array.from({ length: spec.count }, (_, i) => ({
    id: firstId + i,
    date: isoSeconds(spec.start + i * step),
    chat: spec.chat,
    type: 'message' as const,
    from_id: 1000 + (i % 7),
    text: `message ${firstId + i}`,
  }));
}

/**
 * A UTC day as a store receives it: complete, fetched five seconds after it ended; `over`
 * changes any field.
 */
export function makeDay(
  chat: string,
  date: string,
  messages: TgMessage[],
  over: Partial<DayDocument> = {},
): DayDocument {
  const fetchedAt = Date.parse(`${date}T00:00:00Z`) + 86_400_000 + 5_000;
  return {
    chat,
    date,
    time_zone: 'UTC',
    fetched_at: new Date(fetchedAt).toISOString(),
    complete: true,
    count: messages.length,
    messages,
    ...over,
  };
}
