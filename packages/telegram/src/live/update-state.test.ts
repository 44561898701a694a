import { describe, expect, it } from 'vitest';
import { ACCOUNT_BOX, createUpdateState } from './update-state.js';

const at = (pts: number, count = 1, box = 'c1') => ({ box, pts, count, item: `${box}:${pts}` });
const account = { pts: 100, qts: 0, date: 1, seq: 5 };

describe('update state', () => {
  it('applies an update that follows, skips one already applied', () => {
    const state = createUpdateState<string>({ channels: { c1: 10 } });
    expect(state.offer(at(11))).toEqual(['c1:11']);
    expect(state.offer(at(11))).toEqual([]);
    expect(state.offer(at(13, 2))).toEqual(['c1:13']);
    expect(state.pts('c1')).toBe(13);
  });

  it('holds updates after a gap until the missing one comes, in pts order', () => {
    const state = createUpdateState<string>({ channels: { c1: 10 } });
    expect(state.offer(at(13))).toEqual([]);
    expect(state.offer(at(12))).toEqual([]);
    expect(state.gaps()).toEqual(['c1']);
    expect(state.offer(at(11))).toEqual(['c1:11', 'c1:12', 'c1:13']);
    expect(state.gaps()).toEqual([]);
  });

  it('settles a gap from a difference: what it covers is dropped, what follows applies', () => {
    const state = createUpdateState<string>({ channels: { c1: 10 } });
    state.offer(at(12));
    state.offer(at(15));
    expect(state.settle('c1', 14)).toEqual(['c1:15']);
    expect(state.gaps()).toEqual([]);
  });

  it('ignores boxes it does not follow and applies updates outside any sequence', () => {
    const state = createUpdateState<string>({ channels: { c1: 10 } });
    expect(state.offer(at(5, 1, 'c2'))).toEqual([]);
    expect(state.offer({ item: 'typing' })).toEqual(['typing']);
  });

  it('orders containers by seq: a gap waits, an old one is applied only where pts say', () => {
    const state = createUpdateState<string>({ account, channels: {} });
    const container = (seqStart: number, seq: number, pts: number) => ({
      seqStart,
      seq,
      date: 2,
      entries: [at(pts, 1, ACCOUNT_BOX)],
    });
    expect(state.offerContainer(container(7, 7, 102))).toEqual([]);
    expect(state.gaps()).toEqual([ACCOUNT_BOX]);
    expect(state.offerContainer(container(6, 6, 101))).toEqual(['account:101', 'account:102']);
    expect(state.account?.seq).toBe(7);
    expect(state.offerContainer(container(6, 6, 101))).toEqual([]);
    // seq 0: unordered, its updates checked by pts alone.
    expect(state.offerContainer(container(0, 0, 103))).toEqual(['account:103']);
  });

  it('takes the account state of a difference and drains what now follows', () => {
    const state = createUpdateState<string>({ account, channels: {} });
    state.offer(at(103, 1, ACCOUNT_BOX));
    expect(state.setAccount({ ...account, pts: 102 })).toEqual(['account:103']);
    expect(state.snapshot()).toEqual({ account: { ...account, pts: 103 }, channels: {} });
  });

  it('property: any order and duplication of a sequence applies each update once, in order', () => {
    for (let seed = 1; seed <= 50; seed++) {
      let x = seed;
      const random = () => {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        return x / 2 ** 31;
      };
      const updates = Array.from({ length: 30 }, (_, i) => at(11 + i));
      const pushed = [...updates, ...updates.filter(() => random() < 0.3)].sort(
        () => random() - 0.5,
      );
      const state = createUpdateState<string>({ channels: { c1: 10 } });
      const applied = pushed.flatMap((u) => state.offer(u));
      expect(applied).toEqual(updates.map((u) => u.item));
    }
  });

  it('tells by its version whether what a snapshot holds changed', () => {
    const state = createUpdateState<string>({ account, channels: { c1: 10 } });
    const before = state.version();
    // A poll that found nothing, an update already applied, the same account state.
    state.settle('c1', 10);
    state.offer(at(10));
    state.setAccount(account);
    expect(state.version()).toBe(before);
    state.offer(at(11));
    const moved = state.version();
    expect(moved).toBeGreaterThan(before);
    state.offerContainer({ seqStart: 6, seq: 6, date: 2, entries: [] });
    expect(state.version()).toBeGreaterThan(moved);
    expect(state.snapshot().account).toMatchObject({ seq: 6, date: 2 });
  });
});
