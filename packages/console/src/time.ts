import { dateInZone, type IsoDate, isTimeZone } from '@tgfetch/core';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  const known = isTimeZone(zone) ? zone : 'UTC';
  let f = formats.get(known);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: known,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    // One per zone, a few zones at most; bounded all the same.
    if (formats.size > 100) formats.clear();
    formats.set(known, f);
  }
  return f;
}

/** `HH:mm:ss` of an ISO time in `zone`, or the text as it is when it is not a time. */
export function timeIn(iso: unknown, zone: string): string {
  const ms = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? String(iso ?? '') : format(zone).format(ms);
}

/** `YYYY-MM-DD HH:mm:ss` of an ISO time in `zone`. */
export function dateTimeIn(iso: unknown, zone: string): string {
  const ms = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms)) return String(iso ?? '');
  const z = isTimeZone(zone) ? zone : 'UTC';
  return `${dateInZone(ms, z)} ${format(z).format(ms)}`;
}

/** Today's date in `zone`. */
export function today(now: number, zone: string): IsoDate {
  return dateInZone(now, isTimeZone(zone) ? zone : 'UTC');
}
