// The pipeline checker: every message of the day files is in PostgreSQL exactly once (the
// same message, field for field), nothing else is, and nothing was dead-lettered.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonical, noteInto } from './util.mjs';

const DAY_FILE = /^discussions_\d{4}-\d{2}-\d{2}\.json$/;

async function dayFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && DAY_FILE.test(entry.name))
      out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

export async function checkPipeline({ dataDir, client, schema = 'tgfetch' }) {
  const expected = new Map();
  for (const file of await dayFiles(dataDir)) {
    const day = JSON.parse(await readFile(file, 'utf8'));
    for (const m of day.messages) expected.set(`${day.chat}/${m.id}`, canonical(m));
  }
  const rows = await client.query(
    `SELECT chat, peer, id::text AS id, message FROM "${schema}".messages`,
  );
  const result = {
    expected: expected.size,
    rows: rows.rowCount,
    missing: 0,
    extra: 0,
    differ: 0,
    problems: [],
  };
  const note = noteInto(result.problems);
  const seen = new Set();
  for (const row of rows.rows) {
    const key = `${row.chat}/${row.id}`;
    if (seen.has(key)) note(`twice in PostgreSQL: ${key}`);
    seen.add(key);
    const want = expected.get(key);
    if (want === undefined) {
      result.extra++;
      note(`in PostgreSQL, in no day file: ${key}`);
    } else if (want !== canonical(row.message)) {
      result.differ++;
      note(`differs from its day file: ${key}`);
    }
  }
  for (const key of expected.keys()) {
    if (!seen.has(key)) {
      result.missing++;
      note(`in a day file, not in PostgreSQL: ${key}`);
    }
  }
  return result;
}
