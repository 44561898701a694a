import { readFileSync } from 'node:fs';
import { pythonValidates } from '@tgfetch/test-utils';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseWireCommand } from './command.js';
import { COMMAND_CORPUS, CORPUS_NOW, type CorpusCase, UNSTATABLE } from './command-corpus.js';
import { TIME_ZONE_NAMES } from './time-zone-names.js';

/**
 * What a producer in another language sees: the published `schema/command.json`, checked by
 * JSON Schema validators that are not the project's own, must agree with `parseWireCommand` on
 * every command of the corpus but those that break a rule JSON Schema cannot state.
 * Two validators: ajv in strict mode (format assertion on) and Python's jsonschema in a
 * child process with its defaults (no format assertion, `re.search` for patterns).
 */

/**
 * The kinds of command only the daemon refuses, each with its code: the schema names them
 * in its description. A corpus case of `UNSTATABLE` breaks one of them. INVALID_ENCODING
 * (bytes that are not UTF-8) has no case: a validator is handed decoded text.
 */
const CANNOT_STATE = [
  'FUTURE_DATE', // needs the clock and the command's zone
  'INVALID_RANGE', // compares two fields: `from` after `to`, a span over 3660 days
  'PAYLOAD_TOO_LARGE', // the size of the whole text, not of a value
  // How deep unknown fields nest. JSON Schema could say it only as a chain of 16 definitions,
  // each naming the next twice (array items, object values): tools that dereference the
  // schema walk 2^15 paths (the AsyncAPI parser took over 6 minutes instead of 1 s).
  'PAYLOAD_TOO_DEEP',
  'INEXACT_NUMBER', // the literal, which is gone once parsed: 3.0000000000000001 is 3
  'INVALID_ENCODING',
  // A schedule's rules across fields (one of chat and chats, one of every and cron, days
  // with include_today), of its chats' identities (a duplicate) and of croner's reading.
  'SCHEDULE_INVALID_CHATS',
  'SCHEDULE_MISSING_FIELD',
  'SCHEDULE_INVALID_TRIGGER',
  'SCHEDULE_INVALID_EVERY',
  'SCHEDULE_INVALID_CRON',
  'SCHEDULE_INVALID_DAYS',
] as const;

const schema = JSON.parse(readFileSync(new URL('../schema/command.json', import.meta.url), 'utf8'));

function ajvValidator(formats: boolean) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, validateFormats: formats });
  if (formats) addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (text: string) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    return validate(value) === true;
  };
}

const parserAccepts = (text: string) => parseWireCommand(text, { now: CORPUS_NOW }).ok;

const d = { command: 'fetch', chat: '@x_y', mode: 'date', date: '2025-11-07' };
const withZone = (tz: string): CorpusCase => ({
  name: `tz ${JSON.stringify(tz)}`,
  text: JSON.stringify({ ...d, options: { tz } }),
});

/** Mixed case: every other ASCII letter upper. */
const mixed = (zone: string) =>
  [...zone].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('');

// Every listed name in four spellings, every zone this ICU calls canonical, and names that
// are none (offsets, which a newer ICU takes; a Kelvin sign, which is no ASCII K).
const ZONE_CASES: readonly CorpusCase[] = [
  ...new Set([
    ...TIME_ZONE_NAMES.flatMap((z) => [z, z.toLowerCase(), z.toUpperCase(), mixed(z)]),
    ...Intl.supportedValuesOf('timeZone'),
    ...['+03:00', '-0500', 'UTC+3', 'Mars/Olympus', 'Europe/Nowhere', 'Europe/\u212Aiev'],
    ...TIME_ZONE_NAMES.slice(0, 50).flatMap((z) => [`${z}\n`, ` ${z}`, `${z}/`, z.slice(0, -1)]),
  ]),
].map(withZone);

const CASES = [...COMMAND_CORPUS, ...ZONE_CASES];
const parser = CASES.map((c) => parserAccepts(c.text));

function expectAgreement(validator: string, verdicts: readonly boolean[]) {
  const unstatable = new Map(UNSTATABLE.map((u) => [u.name, u.rule]));
  const disagree = CASES.map((c, i) => ({ ...c, parser: parser[i], schema: verdicts[i] })).filter(
    (r) => r.parser !== r.schema,
  );
  const unexplained = disagree
    .filter((r) => !unstatable.has(r.name))
    .map((r) => `${r.name}: parser ${r.parser}, ${validator} ${r.schema}`);
  expect(unexplained).toEqual([]);
  for (const r of disagree) {
    // Where they differ the schema is the looser one: what it refuses, the daemon refuses.
    expect(r.schema, r.name).toBe(true);
  }
  return disagree.map((r) => r.name);
}

describe('command schema and parseWireCommand agree', () => {
  it(`has a corpus of every form and every refusal (${CASES.length} commands)`, () => {
    expect(COMMAND_CORPUS.length).toBeGreaterThanOrEqual(440);
    expect(parser.filter(Boolean).length).toBeGreaterThan(1000);
    expect(parser.filter((ok) => !ok).length).toBeGreaterThan(400);
    for (const command of ['follow', 'unfollow']) {
      const verdicts = CASES.flatMap((c, i) =>
        c.text.startsWith(`{"command":"${command}"`) ? [parser[i]] : [],
      );
      expect(verdicts.filter(Boolean).length, command).toBeGreaterThanOrEqual(20);
      expect(verdicts.filter((ok) => !ok).length, command).toBeGreaterThanOrEqual(20);
    }
  });

  it('names every rule it cannot state in its description, and only those are left', () => {
    for (const rule of CANNOT_STATE) expect(schema.description).toContain(rule);
    for (const u of UNSTATABLE) {
      expect(CANNOT_STATE).toContain(u.rule);
      expect(parserAccepts(u.text), u.name).toBe(false);
    }
  });

  it('under ajv in strict mode, formats asserted: on every command but the unstatable', () => {
    const ajv = ajvValidator(true);
    const disagree = expectAgreement(
      'ajv',
      CASES.map((c) => ajv(c.text)),
    );
    expect(disagree.sort()).toEqual(UNSTATABLE.map((u) => u.name).sort());
  });

  it('under ajv without formats: the patterns alone tell the calendar', () => {
    const ajv = ajvValidator(false);
    expectAgreement(
      'ajv without formats',
      CASES.map((c) => ajv(c.text)),
    );
  });

  it("under Python's jsonschema in a child process: on every command but the unstatable", () => {
    const python = pythonValidates(
      schema,
      CASES.map((c) => c.text),
    );
    expect(python).toHaveLength(CASES.length);
    const disagree = expectAgreement('jsonschema', python);
    // Python's json module gives up on the 4,100-deep command (RecursionError) before the
    // schema is asked, so it refuses it as the daemon does.
    const expected = UNSTATABLE.map((u) => u.name).filter((n) => n !== 'nested 4100 deep');
    expect(disagree.sort()).toEqual(expected.sort());
  });
});

describe('the zones of the schema are the zones of the parser', () => {
  it('the parser takes every listed name in any ASCII letter case', () => {
    const refused = TIME_ZONE_NAMES.flatMap((z) => [z, z.toLowerCase(), z.toUpperCase()]).filter(
      (tz) => !parserAccepts(withZone(tz).text),
    );
    // A name refused here is one this Node's ICU lacks: the list is newer than its ICU.
    expect(refused, `ICU ${process.versions.icu}, tz ${process.versions.tz}`).toEqual([]);
  });

  it('the list holds every zone this ICU calls canonical (else regenerate it)', () => {
    const listed = new Set(TIME_ZONE_NAMES.map((z) => z.toLowerCase()));
    const missing = Intl.supportedValuesOf('timeZone').filter((z) => !listed.has(z.toLowerCase()));
    expect(missing, 'node scripts/time-zone-names.mjs rewrites the list').toEqual([]);
  });

  it('the schema takes the same names, one $defs entry for every zone field', () => {
    const ajv = ajvValidator(true);
    const accepted = (verdict: (c: CorpusCase) => boolean) =>
      ZONE_CASES.filter(verdict).map((c) => c.name);
    expect(accepted((c) => ajv(c.text))).toEqual(accepted((c) => parserAccepts(c.text)));
    // The four fetch forms' options.tz, and a schedule's tz and options.tz.
    expect(JSON.stringify(schema).match(/"\$ref":"#\/\$defs\/TimeZone"/g)).toHaveLength(6);
    expect(schema.$defs.TimeZone.description).toContain('any ASCII letter case');
  });
});
