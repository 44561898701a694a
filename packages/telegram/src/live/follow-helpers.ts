import type { ChangeBatch, ChatRef, MessageChange, ResumePoint, TgMessage } from '@tgfetch/core';

/**
 * A store for tests of live follow: changes applied to a map per chat, and the resume
 * point of the last batch stored. Not exported by the package.
 */
export interface AppliedChanges {
  readonly chats: Map<ChatRef, Map<number, TgMessage>>;
  readonly changes: MessageChange[];
  resume: ResumePoint | undefined;
  batches: number;
  apply(batch: ChangeBatch): void;
  of(chat: ChatRef): Map<number, TgMessage>;
}

export function appliedChanges(): AppliedChanges {
  const chats = new Map<ChatRef, Map<number, TgMessage>>();
  const of = (chat: ChatRef) => {
    let map = chats.get(chat);
    if (!map) {
      map = new Map();
      chats.set(chat, map);
    }
    return map;
  };
  const applied: AppliedChanges = {
    chats,
    changes: [],
    resume: undefined,
    batches: 0,
    of,
    apply(batch) {
      for (const change of batch.changes) {
        applied.changes.push(change);
        if (change.kind !== 'deleted') {
          of(change.chat).set(change.message.id, change.message);
          continue;
        }
        // An id lives in at most one chat: deleting it from each candidate deletes it once.
        for (const chat of change.chat ? [change.chat] : (change.among ?? [])) {
          for (const id of change.ids) of(chat).delete(id);
        }
      }
      applied.resume = batch.resume;
      applied.batches++;
    },
  };
  return applied;
}

/** Polls `check` every few ms until it holds; fails after `deadlineMs`. */
export async function until(
  check: () => boolean,
  what: string,
  deadlineMs = 10_000,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
