import { readFileSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../cli/commands.js';
import type { AnyVariable } from './group.js';
import { GROUPS } from './index.js';
import { SETTINGS_BEGIN, SETTINGS_END, settingsReference } from './reference.js';

/**
 * The settings tables of docs/configuration.md, made from the groups: `UPDATE_DOCS=1 pnpm
 * vitest run packages/daemon/src/settings/reference.test.ts` rewrites them.
 */
const pageFile = new URL('../../../../docs/configuration.md', import.meta.url);

const variables = GROUPS.flatMap((group) =>
  Object.entries(group.variables as Record<string, AnyVariable>).map(
    ([name, variable]) => [group.name, name, variable] as const,
  ),
);

describe('the settings groups', () => {
  it('name each group and each variable once', () => {
    const groups = GROUPS.map((g) => g.name);
    expect(groups.filter((name, i) => groups.indexOf(name) !== i)).toEqual([]);
    const names = variables.map(([, name]) => name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    expect(names.length).toBeGreaterThan(50);
  });

  it('document every variable, and read every default through its own schema', () => {
    for (const [group, name, variable] of variables) {
      expect(variable.doc.length, `${group} ${name}`).toBeGreaterThan(10);
      expect(variable.doc, name).not.toContain('|');
      expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      // A `<NAME>_FILE` of a secret must not be a setting of its own.
      expect(name.endsWith('_FILE'), name).toBe(false);
      if (variable.default === undefined) continue;
      const text = typeof variable.default === 'function' ? variable.default() : variable.default;
      expect(v.safeParse(variable.schema, text).success, `${name}=${text}`).toBe(true);
    }
  });

  it('are each checked by some command', () => {
    const reference = settingsReference(COMMANDS);
    expect(reference).not.toContain('Checked by no command');
  });

  it('are the tables of docs/configuration.md', () => {
    let page = readFileSync(pageFile, 'utf8');
    const start = page.indexOf(SETTINGS_BEGIN.slice(0, SETTINGS_BEGIN.indexOf(' ')));
    const end = page.indexOf(SETTINGS_END) + SETTINGS_END.length;
    expect(start).toBeGreaterThan(0);
    const fresh = settingsReference(COMMANDS);
    if (process.env.UPDATE_DOCS) {
      page = page.slice(0, start) + fresh + page.slice(end);
      writeFileSync(pageFile, page);
    }
    expect(page.slice(start, page.indexOf(SETTINGS_END) + SETTINGS_END.length)).toBe(fresh);
  });
});
