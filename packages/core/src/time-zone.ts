/**
 * Calendar days in any IANA time zone with nothing but `Intl`: no date library, no tz
 * database of our own. A day is the half-open interval [local midnight, next local
 * midnight), so across a DST switch it lasts 23 or 25 hours.
 */

import { BoundedCache } from './bounded-cache.js';
import { TIME_ZONE_NAMES } from './time-zone-names.js';

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `Intl` takes a zone in any ASCII letter case and under its old aliases, so producers can
 * spell one zone in unboundedly many ways. Formatters are cached per canonical name (a few
 * hundred exist), names in a small LRU keyed by the ASCII-lowercased spelling, so all
 * spellings of one name share one entry; nothing is cached for a spelling `Intl` rejects.
 * The key folding matters beyond the map: every `new Intl.DateTimeFormat` holds ICU memory
 * that V8 does not count and so frees late, and building one per distinct spelling grew
 * the daemon by ~6 KB of RSS per command under a flood of spellings.
 */
export const ZONE_CACHE_CAPACITY = 1024;
const formatters = new BoundedCache<string, Intl.DateTimeFormat>(ZONE_CACHE_CAPACITY);
const canonicalNames = new BoundedCache<string, string>(ZONE_CACHE_CAPACITY);

/** Entries held by the zone caches (for tests of their bound). */
export function zoneCacheSize(): { formatters: number; spellings: number } {
  return { formatters: formatters.size, spellings: canonicalNames.size };
}

/** True for a real calendar date in `YYYY-MM-DD` form (`2025-02-30` is not). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1970 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/**
 * The names a zone may be given by, ASCII-lowercased. The list decides, not what the running
 * `Intl` happens to take: the published command schema lists these names, and a newer ICU
 * takes more (offsets such as `+03:00`, zones the list does not have yet).
 */
const ZONE_KEYS: ReadonlySet<string> = new Set(TIME_ZONE_NAMES.map(foldAsciiCase));

/**
 * True for a zone of the list (`time-zone-names.ts`, any ASCII letter case) that `Intl`
 * knows; on a Node whose ICU is older than the list's a zone it lacks is not one.
 */
export function isTimeZone(timeZone: string): boolean {
  return canonicalZone(timeZone) !== undefined;
}

/** The zone's canonical IANA name (`europe/kyiv` → `Europe/Kyiv`); `undefined` when unknown. */
export function canonicalZone(timeZone: string): string | undefined {
  // No zone name is this long; nothing longer is even handed to Intl.
  if (timeZone.length > 64) return undefined;
  const key = foldAsciiCase(timeZone);
  if (!ZONE_KEYS.has(key)) return undefined;
  // ECMA-402 makes `UTC` its own canonical name on every ICU. Answered without `Intl`: the
  // first zone-bearing `DateTimeFormat` loads ICU's zone data (~20 ms), and checking the
  // default TGFETCH_TZ is all an idle daemon would have needed it for.
  if (key === 'utc') return 'UTC';
  const known = canonicalNames.get(key);
  if (known !== undefined) return known;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  canonicalNames.set(key, canonical);
  return canonical;
}

/**
 * ASCII letters only, as ECMA-402 compares zone names: a full `toLowerCase` would fold
 * non-ASCII letters (the Kelvin sign to `k`) into the key of a zone `Intl` rejects them for.
 */
function foldAsciiCase(value: string): string {
  return value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * UTC, the default zone, needs no `Intl`: a `formatToParts` per call was a tenth of a
 * worker's time on short commands (`startOfDay` calls it at every step). Within years
 * 1970–9999, where `toISOString` writes the date as `Intl` does.
 */
const isPlainUtc = (ms: number, timeZone: string) =>
  timeZone === 'UTC' && ms >= 0 && ms < 253_402_300_800_000;

/** The calendar date at instant `ms` in `timeZone`. */
export function dateInZone(ms: number, timeZone: string): IsoDate {
  if (isPlainUtc(ms, timeZone)) return new Date(ms).toISOString().slice(0, 10);
  const parts = formatter(timeZone).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The first instant (ms) whose local date in `timeZone` is `date` or later. Usually local
 * midnight found from the zone's offset; when that does not check out (midnight falls into
 * a DST gap, so the day starts at the switch) by bisection over whole seconds.
 */
export function startOfDay(date: IsoDate, timeZone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // Two rounds: the offset at the first guess may differ from the offset at midnight.
  let guess = utcMidnight - zoneOffset(utcMidnight, timeZone);
  guess = utcMidnight - zoneOffset(guess, timeZone);
  if (dateInZone(guess, timeZone) === date && dateInZone(guess - 1000, timeZone) < date)
    return guess;
  return bisectStartOfDay(date, timeZone, utcMidnight);
}

function bisectStartOfDay(date: IsoDate, timeZone: string, utcMidnight: number): number {
  // No zone is more than 14 hours from UTC; widen a little for historic offsets.
  let lo = (utcMidnight - 16 * 3_600_000) / 1000;
  let hi = (utcMidnight + 16 * 3_600_000) / 1000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dateInZone(mid * 1000, timeZone) >= date) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

/** The date after `date` (plain calendar arithmetic, zone-free). */
export function addDays(date: IsoDate, days: number): IsoDate {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whole calendar days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Local wall time minus UTC at instant `ms` in `timeZone`, in ms (+3 h in Moscow). */
export function zoneOffset(ms: number, timeZone: string): number {
  if (isPlainUtc(ms, timeZone)) return 0;
  const parts = wallFormatter(timeZone).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The two formatters a zone needs: its wall clock (to find offsets) and its calendar date. */
const FORMATS = {
  wall: {
    locale: 'en-US',
    options: {
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    },
  },
  date: { locale: 'en-CA', options: { year: 'numeric', month: '2-digit', day: '2-digit' } },
} satisfies Record<string, { locale: string; options: Intl.DateTimeFormatOptions }>;

// Building an Intl.DateTimeFormat costs far more than using one: one of each per zone.
function cachedFormatter(kind: keyof typeof FORMATS, timeZone: string): Intl.DateTimeFormat {
  const canonical = canonicalZone(timeZone);
  if (canonical === undefined) throw new RangeError(`Invalid time zone: ${timeZone.slice(0, 64)}`);
  const key = `${kind}:${canonical}`;
  let f = formatters.get(key);
  if (!f) {
    const { locale, options } = FORMATS[kind];
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: canonical });
    formatters.set(key, f);
  }
  return f;
}

function wallFormatter(timeZone: string): Intl.DateTimeFormat {
  return cachedFormatter('wall', timeZone);
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  return cachedFormatter('date', timeZone);
}
