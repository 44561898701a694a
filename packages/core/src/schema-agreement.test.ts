import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseCommand } from './command.js';
import { COMMAND_CORPUS, CORPUS_NOW, UNSTATABLE } from './command-corpus.js';

/**
 * What a producer in another language sees: the published `schema/command.json` checked by
 * a JSON Schema validator (ajv here; jsonschema from Python too when it is installed) must
 * agree with `parseCommand` on the corpus, apart from the rules the schema names as ones it
 * cannot state.
 */

const schemaFile = fileURLToPath(new URL('../schema/command.json', import.meta.url));
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

function schemaAccepts(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  return validate(value) === true;
}

const parserAccepts = (text: string) => parseCommand(text, { now: CORPUS_NOW }).ok;

describe('command schema and parseCommand agree', () => {
  const results = COMMAND_CORPUS.map((c) => ({
    ...c,
    parser: parserAccepts(c.text),
    schema: schemaAccepts(c.text),
  }));
  const disagree = results.filter((r) => r.parser !== r.schema);
  const agreement = 1 - disagree.length / results.length;

  it(`on at least 98% of a corpus of at least 150 commands (${results.length} commands, ${(agreement * 100).toFixed(1)}%)`, () => {
    expect(results.length).toBeGreaterThanOrEqual(150);
    expect(results.filter((r) => r.parser).length).toBeGreaterThan(100);
    expect(results.filter((r) => !r.parser).length).toBeGreaterThan(60);
    expect(agreement).toBeGreaterThanOrEqual(0.98);
  });

  it('disagree only on rules the schema description names', () => {
    const unstatable = new Map(UNSTATABLE.map((u) => [u.name, u.rule]));
    for (const r of disagree) {
      expect(unstatable.has(r.name), `${r.name}: parser ${r.parser}, schema ${r.schema}`).toBe(
        true,
      );
      // The schema is the looser one: what it rejects, the parser rejects too.
      expect(r.schema).toBe(true);
      expect(schema.description).toContain(unstatable.get(r.name));
    }
  });

  it('agrees with a Python producer using jsonschema, when python3 has it', () => {
    const probe = spawnSync('python3', ['-c', 'import jsonschema'], { encoding: 'utf8' });
    // Without python3 or jsonschema there is no second validator to compare with.
    if (probe.status !== 0) return;
    const script = `
import json, sys
from jsonschema import Draft202012Validator, FormatChecker
schema = json.load(open(sys.argv[1]))
v = Draft202012Validator(schema, format_checker=FormatChecker())
out = []
for text in json.load(sys.stdin):
    try:
        value = json.loads(text)
    except Exception:
        out.append(False)
        continue
    out.append(v.is_valid(value))
print(json.dumps(out))
`;
    const run = spawnSync('python3', ['-c', script, schemaFile], {
      input: JSON.stringify(results.map((r) => r.text)),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const python: boolean[] = JSON.parse(run.stdout);
    const differ = results.filter((r, i) => python[i] !== r.schema).map((r) => r.name);
    // Python's json module gives up on the 4,100-deep command (RecursionError): it rejects
    // it before the schema is asked, as parseCommand does. Everything else: the same verdicts.
    expect(differ).toEqual(['nested 4100 deep']);
  });
});
