import { describe, expect, it } from 'vitest';
import { createPollSchedule } from './poll-schedule.js';

describe('the poll schedule', () => {
  it('hands out the boxes due, earliest first, each at its latest time only', () => {
    const polls = createPollSchedule();
    polls.set('a', 30);
    polls.set('b', 10);
    polls.set('c', 20);
    // Asked again sooner, then later: only the last time counts.
    polls.set('a', 5);
    polls.set('c', 50);
    expect(polls.next()).toBe(5);
    expect(polls.takeDue(4)).toEqual([]);
    expect(polls.takeDue(20)).toEqual(['a', 'b']);
    expect(polls.get('a')).toBeUndefined();
    expect(polls.next()).toBe(50);
    expect(polls.takeDue(100)).toEqual(['c']);
    expect(polls.next()).toBeUndefined();
  });

  it('takes boxes early only together with one that is due', () => {
    const polls = createPollSchedule();
    polls.set('a', 100);
    polls.set('b', 150);
    polls.set('c', 400);
    // Nothing due at 90: none is taken early, however close.
    expect(polls.takeDue(90, 1_000)).toEqual([]);
    // One due: those within the slack after now come with it.
    expect(polls.takeDue(100, 100)).toEqual(['a', 'b']);
    // A box set again within the slack is not taken again until it is due.
    polls.set('a', 150);
    expect(polls.takeDue(101, 1_000)).toEqual([]);
    expect(polls.takeDue(150, 1_000)).toEqual(['a', 'c']);
  });

  it('stays as small as its boxes however often they are set again', () => {
    const polls = createPollSchedule();
    for (let round = 0; round < 200; round++) {
      for (let box = 0; box < 50; box++) polls.set(`box${box}`, round * 1000 + box);
    }
    const due = polls.takeDue(Number.MAX_SAFE_INTEGER);
    expect(due).toHaveLength(50);
    expect(due[0]).toBe('box0');
    expect(due.at(-1)).toBe('box49');
  });
});
