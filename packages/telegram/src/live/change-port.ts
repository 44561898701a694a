/**
 * The change port of live follow, as core will export it (issue 25, point 2). Declared here
 * until core's lands: replace these declarations by re-exports of `@tgfetch/core` then.
 */
import type { ChatRef, TgMessage } from '@tgfetch/core';

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** One change of one chat, as a source saw it. */
export type MessageChange =
  | { kind: 'new'; chat: ChatRef; message: TgMessage }
  | { kind: 'edited'; chat: ChatRef; message: TgMessage }
  | {
      kind: 'deleted';
      chat: ChatRef;
      ids: number[] /** epoch ms the deletion was seen */;
      at: number;
    };

/** Where a source resumes: opaque to everyone but the source that made it. */
export type ResumePoint = JsonValue;

/**
 * Changes in the order they happened, and the point to resume from once they (and every
 * batch before them) are stored.
 */
export interface ChangeBatch {
  changes: MessageChange[];
  resume: ResumePoint;
}

export interface ChangeRequest {
  chats: readonly ChatRef[];
  /** A `resume` of an earlier batch of the same source and account. @default from now on */
  from?: ResumePoint;
}

export interface ChangeSource {
  changes(request: ChangeRequest, signal: AbortSignal): AsyncIterable<ChangeBatch>;
  close?(): Promise<void>;
}

export interface ResumeStore {
  load(key: string): Promise<ResumePoint | undefined>;
  save(key: string, point: ResumePoint): Promise<void>;
}
