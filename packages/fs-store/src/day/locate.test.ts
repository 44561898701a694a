import { addDays } from '@tgfetch/core';
import { describe, expect, it } from 'vitest';
import { locateIds } from './locate.js';

/** `days` dates, each with `perDay` ids growing with time; days in `empty` hold none. */
function archive(days: number, perDay: number, empty: (i: number) => boolean = () => false) {
  const dates = Array.from({ length: days }, (_, i) => addDays('2020-01-01', i));
  const held = new Map(
    dates.map((date, i) => [
      date,
      new Set(empty(i) ? [] : Array.from({ length: perDay }, (_, k) => 1 + i * perDay + k)),
    ]),
  );
  const reads: string[] = [];
  const read = async (date: string) => {
    reads.push(date);
    return held.get(date)!;
  };
  return { dates, held, reads, read };
}

describe('locateIds', () => {
  it('finds each id in its day reading about log2(days) days, each at most once', async () => {
    const a = archive(3650, 40);
    const found = await locateIds(a.dates, [1, 40, 41, 72_000, 146_000], a.read);
    expect(Object.fromEntries(found)).toEqual({
      1: '2020-01-01',
      40: '2020-01-01',
      41: '2020-01-02',
      72000: a.dates[1799],
      146000: a.dates[3649],
    });
    expect(new Set(a.reads).size).toBe(a.reads.length);
    expect(a.reads.length).toBeLessThanOrEqual(5 * 13);
  });

  it("reports ids no day holds, and steps over days with none of the chat's messages", async () => {
    const a = archive(400, 10, (i) => i % 3 !== 0);
    const wanted = [1, 5, 31, 35, 3991, 0, 11, 5000, -3];
    const found = await locateIds(a.dates, wanted, a.read);
    const expected = wanted.flatMap((id) => {
      const date = [...a.held].find(([, ids]) => ids.has(id))?.[0];
      return date ? [[id, date]] : [];
    });
    expect([...found].sort((x, y) => x[0] - y[0])).toEqual(
      expected.sort((x, y) => (x[0] as number) - (y[0] as number)),
    );
    expect(a.reads.length).toBeLessThan(200);
  });

  it('finds nothing in no days, or in days that hold nothing', async () => {
    expect((await locateIds([], [1], async () => new Set())).size).toBe(0);
    const a = archive(20, 5, () => true);
    expect((await locateIds(a.dates, [1, 2], a.read)).size).toBe(0);
  });

  it('never names a wrong day for an id out of order: it is missed instead', async () => {
    const a = archive(30, 5);
    a.held.get(a.dates[2]!)!.add(1000); // an imported message with an old date and a new id
    const found = await locateIds(a.dates, [1000, 12], a.read);
    expect(found.get(12)).toBe(a.dates[2]);
    expect([undefined, a.dates[2]]).toContain(found.get(1000));
  });
});
