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
