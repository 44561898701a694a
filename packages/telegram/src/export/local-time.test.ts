import { describe, expect, it } from 'vitest';
import { createWallClock } from './local-time.js';

const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('wall time to epoch', () => {
  it('reads a wall time in UTC as is', () => {
    expect(createWallClock('UTC')('2020-09-26T12:34:56')).toBe(utc('2020-09-26T12:34:56'));
  });

  it('applies the zone offset of that date, winter and summer', () => {
    const berlin = createWallClock('Europe/Berlin');
    expect(berlin('2020-01-15T12:00:00')).toBe(utc('2020-01-15T11:00:00'));
    expect(berlin('2020-07-15T12:00:00')).toBe(utc('2020-07-15T10:00:00'));
    const newYork = createWallClock('America/New_York');
    expect(newYork('2020-12-31T23:30:00')).toBe(utc('2021-01-01T04:30:00'));
    expect(createWallClock('Asia/Kolkata')('2020-06-01T05:30:00')).toBe(utc('2020-06-01T00:00:00'));
  });

  it('takes the earlier instant of a time that occurs twice', () => {
    // Berlin went from +2 back to +1 at 03:00 local on 2020-10-25.
    expect(createWallClock('Europe/Berlin')('2020-10-25T02:30:00')).toBe(
      utc('2020-10-25T00:30:00'),
    );
  });

  it('reads a time skipped by DST with the offset from before the jump', () => {
    // Berlin jumped from 02:00 to 03:00 local on 2020-03-29.
    expect(createWallClock('Europe/Berlin')('2020-03-29T02:30:00')).toBe(
      utc('2020-03-29T01:30:00'),
    );
  });

  it('gets each hour right next to a switch (the per-hour cache)', () => {
    const berlin = createWallClock('Europe/Berlin');
    expect(berlin('2020-03-29T01:59:59')).toBe(utc('2020-03-29T00:59:59'));
    expect(berlin('2020-03-29T03:00:00')).toBe(utc('2020-03-29T01:00:00'));
    expect(berlin('2020-03-29T01:00:00')).toBe(utc('2020-03-29T00:00:00'));
  });

  it.each(['2020-09-26 12:34:56', '2020-13-01T00:00:00', '2020-09-26T24:00:00', 'yesterday'])(
    'rejects %j',
    (wall) => {
      expect(createWallClock('UTC')(wall)).toBeUndefined();
    },
  );
});
