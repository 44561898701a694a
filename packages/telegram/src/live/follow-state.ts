import type { ChangeBatch, ChatRef, MessageChange } from '@tgfetch/core';
import type { Followed } from './followed.js';
import { decodeResume, encodeResume, type LiveResume } from './resume.js';
import type { LiveUpdate } from './update-entries.js';
import { ACCOUNT_BOX, createUpdateState, type UpdateState } from './update-state.js';

/**
 * What one follow keeps between requests: the update state of the boxes it follows, what
 * the resume point it came from holds of boxes it does not follow (kept as it was, since
 * nothing of theirs was applied), and the history walks under way. It makes the batches:
 * each carries the resume point of everything applied so far, which is safe to store once
 * the batch and those before it are stored.
 */
export interface FollowState {
  readonly updates: UpdateState<LiveUpdate>;
  /** Chat key → the id its history walk is above, while the walk is under way. */
  readonly walks: Map<string, number>;
  /** Whether the account's box is followed and its state known. */
  readonly accountKnown: boolean;
  /** The followed chats of the account's box that its state does not cover yet. */
  uncoveredInAccount(): string[];
  /** From now on the account's state covers every followed chat of its box. */
  coverAccount(): void;
  /** A batch of `changes`, or none when there is nothing to store (no change, same resume). */
  batch(changes: MessageChange[]): ChangeBatch[];
}

export function createFollowState(followed: Followed, from: unknown): FollowState {
  const resume: LiveResume = decodeResume(from as never) ?? { channels: {}, walks: {} };
  const followsAccount = followed.inAccount.length > 0;
  const ownChannels = new Set(followed.channelBoxes);
  const tracked: Record<string, number> = {};
  const carried: Record<string, number> = {};
  for (const [box, pts] of Object.entries(resume.channels)) {
    if (ownChannels.has(box)) tracked[box] = pts;
    else carried[box] = pts;
  }
  const updates = createUpdateState<LiveUpdate>({
    ...(followsAccount && resume.account ? { account: resume.account } : {}),
    channels: tracked,
  });
  const walks = new Map(Object.entries(resume.walks));
  let covered = new Set(resume.accountChats ?? []);
  let coveredVersion = 0;

  const current = (): LiveResume => {
    const snapshot = updates.snapshot();
    const account = followsAccount ? snapshot.account : resume.account;
    const accountChats = followsAccount ? [...covered].sort() : resume.accountChats;
    return {
      ...(account ? { account, accountChats: accountChats ?? [] } : {}),
      channels: { ...carried, ...snapshot.channels },
      walks: Object.fromEntries(walks),
    };
  };
  /**
   * What the point is made of, told apart cheaply: a poll that found nothing (every few
   * seconds for each of a thousand chats) must not encode the whole point to say so.
   */
  const version = () =>
    `${updates.version()}:${coveredVersion}:${JSON.stringify([...walks].sort())}`;
  let last = version();

  return {
    updates,
    walks,
    get accountKnown() {
      return followsAccount && updates.account !== undefined;
    },
    uncoveredInAccount: () =>
      followed.inAccount.map((c) => c.key).filter((key) => !covered.has(key)),
    coverAccount() {
      covered = new Set(followed.inAccount.map((c) => c.key));
      coveredVersion++;
    },
    batch(changes) {
      const now = version();
      if (changes.length === 0 && now === last) return [];
      last = now;
      return [{ changes, resume: encodeResume(current()) }];
    },
  };
}

/** The label requests of a box are told under (flood-wait notices, error messages). */
export function boxLabel(followed: Followed, box: string): ChatRef {
  if (box === ACCOUNT_BOX) return followed.inAccount[0]?.ref ?? 'the account';
  return followed.byBox(box)?.ref ?? box;
}
