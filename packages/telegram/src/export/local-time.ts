/**
 * Older exports (before `date_unixtime`) write `date` as the exporting machine's wall-clock
 * time with no offset. Turning it into an instant needs a zone; this converts a wall time in
 * any IANA zone to epoch ms with `Intl` alone.
 */

import { zoneOffset } from '@tgfetch/core';

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/**
 * A converter of wall times `YYYY-MM-DDTHH:mm:ss` in `timeZone` to epoch ms (undefined when
 * malformed). A time that occurs twice (clocks going back) takes the earlier instant; a
 * time skipped by a DST jump is read with the offset from before the jump (02:30 becomes
 * 03:30). Results are cached per wall-clock hour: zones change offset on the hour.
 */
export function createWallClock(timeZone: string): (wall: string) => number | undefined {
  const byHour = new Map<string, number>();
  return (wall) => {
    const m = WALL_TIME.exec(wall);
    if (!m) return undefined;
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
    const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
    const hour = wall.slice(0, 13);
    let shift = byHour.get(hour);
    if (shift === undefined) {
      shift = asUtc - toEpoch(asUtc, timeZone);
      if (byHour.size > 100_000) byHour.clear();
      byHour.set(hour, shift);
    }
    return asUtc - shift;
  };
}

function toEpoch(asUtc: number, timeZone: string): number {
  // The offset at the wall time read as UTC is at most one DST switch away from the right
  // one; try both candidates and keep the earliest that maps back to the same wall time.
  const before = zoneOffset(asUtc - 86_400_000, timeZone);
  const after = zoneOffset(asUtc + 86_400_000, timeZone);
  for (const t of [asUtc - Math.max(before, after), asUtc - Math.min(before, after)]) {
    if (t + zoneOffset(t, timeZone) === asUtc) return t;
  }
  return asUtc - before;
}
