import { describe, expect, it } from 'vitest';
import { mergeMessage, mergeMessages, type TgMessage, tombstone } from './message.js';
import { messageIssues } from './message-schema.js';

const m = (id: number, over: Partial<TgMessage> = {}): TgMessage => ({
  id,
  date: '2025-11-07T10:00:00Z',
  chat: '@x',
  text: `message ${id}`,
  ...over,
});
const AT = Date.parse('2025-11-09T12:00:00Z');

describe('mergeMessages', () => {
  it('keeps one copy per id in file order, stored messages the fresh fetch lacks included', () => {
    const merged = mergeMessages([m(3), m(1)], [m(2), m(3, { text: 'again' })]);
    expect(merged.map((x) => [x.id, x.text])).toEqual([
      [1, 'message 1'],
      [2, 'message 2'],
      [3, 'again'],
    ]);
  });

  it('keeps a later edit against an older copy, and takes a newer one', () => {
    const edited = m(1, { text: 'edited', edit_date: '2025-11-07T11:00:00Z' });
    expect(mergeMessage(edited, m(1))).toBe(edited);
    const newer = m(1, { text: 'newer', edit_date: '2025-11-07T12:00:00Z' });
    expect(mergeMessage(edited, newer)).toBe(newer);
  });

  it('keeps a tombstone when the message comes again (a re-fetch, a late new)', () => {
    const dead = tombstone(m(1), AT);
    expect(dead).toMatchObject({ deleted: true, deleted_at: '2025-11-09T12:00:00Z' });
    expect(mergeMessage(dead, m(1))).toEqual(dead);
    // A later edit seen after the deletion updates what is known, and stays a tombstone.
    const edit = m(1, { text: 'edited', edit_date: '2025-11-07T11:00:00Z' });
    expect(mergeMessage(dead, edit)).toEqual({
      ...edit,
      deleted: true,
      deleted_at: dead.deleted_at,
    });
    // A deletion of a message whose stored copy has a later edit keeps the edit.
    expect(mergeMessage(edit, tombstone(m(1), AT))).toEqual({
      ...edit,
      deleted: true,
      deleted_at: dead.deleted_at,
    });
  });

  it('keeps the earliest deletion time, whichever copy has it', () => {
    const first = tombstone(m(1), AT);
    expect(tombstone(first, AT + 3_600_000)).toEqual(first);
    expect(mergeMessage(tombstone(m(1), AT + 3_600_000), first).deleted_at).toBe(first.deleted_at);
  });

  it('keeps the tombstone of a message a re-fetch of its day no longer has', () => {
    const merged = mergeMessages([m(1), tombstone(m(2), AT)], [m(1), m(3)]);
    expect(merged.map((x) => [x.id, x.deleted ?? false])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
  });

  it('is idempotent: merging a merge again changes nothing', () => {
    const stored = [m(1), tombstone(m(2), AT), m(3, { edit_date: '2025-11-07T11:00:00Z' })];
    const fresh = [m(2), m(3), m(4)];
    const once = mergeMessages(stored, fresh);
    expect(mergeMessages(once, fresh)).toEqual(once);
    expect(mergeMessages(once, once)).toEqual(once);
  });

  it('gives tombstones that fit the message schema', () => {
    expect(messageIssues(tombstone(m(1), AT))).toEqual([]);
    expect(messageIssues({ ...m(1), deleted: false })).not.toEqual([]);
    expect(messageIssues({ ...m(1), deleted: true, deleted_at: 'yesterday' })).not.toEqual([]);
  });
});
