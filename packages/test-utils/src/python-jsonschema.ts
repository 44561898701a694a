import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Python's `jsonschema` in a real child process, for the tests that check the published
 * schemas as a producer written in Python sees them. `scripts/ensure-services.mjs` installs
 * it (Debian's python3-jsonschema) where it is missing; a test without it fails, saying so.
 */

// A python3 on PATH first (a virtualenv or pyenv may hold jsonschema), then the system's,
// where Debian's python3-jsonschema puts it.
const CANDIDATES = ['python3', '/usr/bin/python3'];

/** The first python3 that can import jsonschema; throws naming how to get one. */
export function pythonWithJsonschema(): string {
  for (const python of CANDIDATES) {
    const probe = spawnSync(python, ['-c', 'import jsonschema'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  throw new Error(
    `None of ${CANDIDATES.join(', ')} can import jsonschema: install it (Debian: apt-get install -y python3-jsonschema, as scripts/ensure-services.mjs does; or pip install jsonschema)`,
  );
}

/** Runs `script` with the path of a file holding `input` as JSON; returns its JSON output. */
export function runPython<T>(script: string, input: unknown): T {
  const python = pythonWithJsonschema();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tgfetch-python-'));
  try {
    const file = path.join(dir, 'input.json');
    writeFileSync(file, JSON.stringify(input));
    const run = spawnSync(python, ['-c', script, file], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    if (run.status !== 0) {
      throw new Error(`${python} failed (${run.status ?? run.signal}): ${run.stderr}`);
    }
    return JSON.parse(run.stdout) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// As a Python service would: json.loads, refusing the NaN and Infinity that Python takes
// and JSON does not (a command the daemon cannot even parse), then the schema's validator
// with its defaults (no format assertion: `format` is an annotation in 2020-12).
const VALIDATE = `
import json, sys
from jsonschema import validators
data = json.load(open(sys.argv[1], encoding='utf-8'))
schema = data['schema']
cls = validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema)
def strict(name):
    raise ValueError(name)
out = []
for text in data['texts']:
    try:
        value = json.loads(text, parse_constant=strict)
    except (ValueError, RecursionError):
        out.append(False)
        continue
    out.append(v.is_valid(value))
print(json.dumps(out))
`;

/** Python jsonschema's verdict on each JSON text (false for one Python cannot parse). */
export function pythonValidates(schema: object, texts: readonly string[]): boolean[] {
  return runPython<boolean[]>(VALIDATE, { schema, texts });
}

// What jsonschema's `pattern` keyword does: re.search.
const SEARCH = `
import json, re, sys
data = json.load(open(sys.argv[1], encoding='utf-8'))
print(json.dumps([[re.search(p, s) is not None for s in data['strings']] for p in data['patterns']]))
`;

/** For each pattern, whether Python's `re.search` finds it in each string. */
export function pythonSearches(
  patterns: readonly string[],
  strings: readonly string[],
): boolean[][] {
  return runPython<boolean[][]>(SEARCH, { patterns, strings });
}
