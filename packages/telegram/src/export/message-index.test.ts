import { describe, expect, it } from 'vitest';
import { createIndexBuilder } from './message-index.js';

const ids = (index: ReturnType<ReturnType<typeof createIndexBuilder>['finish']>, r = {}) =>
  [...index.select({ from: 0, to: 1_000, ...r })].map((at) => index.id(at));

describe('message index', () => {
  it('grows past its initial capacity and serves newest first', () => {
    const builder = createIndexBuilder(2);
    for (let i = 1; i <= 10; i++) builder.add(i, i * 10, i * 100, i * 100 + 50);
    const index = builder.finish();
    expect(index).toMatchObject({ count: 10, first: 10, last: 100 });
    expect(ids(index, { from: 30, to: 80 })).toEqual([7, 6, 5, 4, 3]);
    expect(ids(index, { beforeId: 4 })).toEqual([3, 2, 1]);
    expect([index.start(0), index.end(0)]).toEqual([100, 150]);
  });

  it('sorts a file out of id order, keeps the last copy of a duplicated id', () => {
    const builder = createIndexBuilder();
    builder.add(5, 50, 0, 10);
    builder.add(2, 20, 10, 20);
    builder.add(9, 90, 20, 30);
    builder.add(5, 55, 30, 40); // the later copy wins
    const index = builder.finish();
    expect(ids(index)).toEqual([9, 5, 2]);
    const five = [...index.select({ from: 0, to: 1000 })][1]!;
    expect(index.start(five)).toBe(30);
    expect(ids(index, { from: 0, to: 52 })).toEqual([2]);
  });

  it('scans the whole history when times do not grow with ids', () => {
    const builder = createIndexBuilder();
    [30, 10, 40, 20].forEach((t, i) => {
      builder.add(i + 1, t, i, i + 1);
    });
    const index = builder.finish();
    expect(ids(index, { from: 15, to: 35 })).toEqual([4, 1]);
    expect(ids(index, { from: 15, to: 35, beforeId: 4 })).toEqual([1]);
  });
});
