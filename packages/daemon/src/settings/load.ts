import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import type { AnyGroup, AnyVariable, SettingsOf } from './group.js';
import { scrub } from './redact.js';

/** Settings read, or every problem found (each naming its variable, never a secret). */
export type SettingsResult<G extends readonly AnyGroup[]> =
  | { ok: true; settings: SettingsOf<G> }
  | { ok: false; problems: string[] };

/**
 * Reads `groups` from `env`, and the groups they bring in (the chosen store's, the Redis
 * settings when MESSAGES_STREAM is set). Only those are checked: a bad `REDIS_URL` in `.env`
 * must not stop a one-shot fetch. Every problem is found at once, so a misconfigured
 * deployment fails with one clear message instead of the first of several crashes; empty
 * variables count as unset (`FOO=` in a .env file means "no value").
 */
export function loadSettings<const G extends readonly AnyGroup[]>(
  env: Record<string, string | undefined>,
  groups: G,
): SettingsResult<G> {
  const present = new Map(
    Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  const secrets: string[] = [];
  const pending = [...groups];
  const seen = new Set<AnyGroup>();
  for (let group = pending.shift(); group; group = pending.shift()) {
    if (seen.has(group)) continue;
    seen.add(group);
    const read = readGroup(group, present);
    problems.push(...read.problems);
    secrets.push(...read.secrets);
    if (read.problems.length === 0) settings[group.name] = read.values;
    // Read next, so that problems come in the order of what brought them in.
    pending.unshift(
      ...(group.requires?.() ?? []).flatMap((r) => (r.applies(read.values) ? r.groups : [])),
    );
  }
  // The messages never hold a value, but a secret must not show even in a file's name.
  if (problems.length > 0) return { ok: false, problems: problems.map((p) => scrub(p, secrets)) };
  return { ok: true, settings: settings as SettingsOf<G> };
}

interface ReadGroup {
  /** The values read well; those of a group with no problem are whole, derived ones too. */
  values: Record<string, unknown>;
  problems: string[];
  /** The raw text of every secret met, to keep out of the problems. */
  secrets: string[];
}

function readGroup(group: AnyGroup, present: ReadonlyMap<string, string>): ReadGroup {
  const read: ReadGroup = { values: {}, problems: [], secrets: [] };
  const variables = Object.entries(group.variables) as [string, AnyVariable][];
  for (const [name, variable] of variables) {
    const before = read.problems.length;
    const text = variable.secret ? secretText(name, present, read) : present.get(name);
    // A secret file that could not be read is its problem, not a missing value.
    if (read.problems.length > before) continue;
    if (variable.secret && text !== undefined) read.secrets.push(text);
    const input =
      text ?? (typeof variable.default === 'function' ? variable.default() : variable.default);
    if (input === undefined) {
      if (variable.required !== undefined)
        read.problems.push(`${name} is required ${variable.required}`);
      else read.values[name] = undefined;
      continue;
    }
    const parsed = v.safeParse(variable.schema, input, { abortEarly: false });
    if (parsed.success) read.values[name] = parsed.output;
    else read.problems.push(...parsed.issues.map((issue) => named(name, issue.message)));
  }
  if (read.problems.length === 0 && group.derive)
    Object.assign(read.values, group.derive(read.values));
  return read;
}

/**
 * A secret's text: the variable, or the content of the file `<NAME>_FILE` names (one
 * trailing newline dropped, as `echo secret > file` leaves one). Problems name the variable
 * and the file, never the content.
 */
function secretText(
  name: string,
  present: ReadonlyMap<string, string>,
  read: ReadGroup,
): string | undefined {
  const file = present.get(`${name}_FILE`);
  if (file === undefined) return present.get(name);
  if (present.has(name)) {
    read.problems.push(`set ${name} or ${name}_FILE, not both`);
    return undefined;
  }
  try {
    const value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    if (value === '') read.problems.push(`${name}_FILE: ${file} is empty`);
    return value;
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    read.problems.push(`${name}_FILE: cannot read ${file} (${code})`);
    return undefined;
  }
}

/** A schema's message about `name`, with the name in front unless it starts with it. */
function named(name: string, message: string): string {
  return message.startsWith(name) ? message : `${name} ${message}`;
}
