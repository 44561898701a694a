import { describe, expect, it } from 'vitest';
import type { AnyGroup, GroupValues } from '../settings/group.js';
import { loadSettings } from '../settings/load.js';

type Env = Record<string, string | undefined>;

/** The values of `group` read from `env`; a problem fails the test with its message. */
export function valuesOf<G extends AnyGroup>(group: G, env: Env = {}): GroupValues<G> {
  const result = loadSettings(env, [group]);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return (result.settings as Record<string, GroupValues<G>>)[group.name]!;
}

/** What is wrong with `env` for `groups`: the problems, in the order they are told. */
export function problemsOf(env: Env, groups: readonly AnyGroup[]): string[] {
  const result = loadSettings(env, groups);
  if (result.ok) throw new Error('expected configuration problems');
  return result.problems;
}

/** A variable, a bad value, (part of) the message about it, a good value, what it reads as. */
export type VariableCase = [
  name: string,
  bad: string,
  message: string,
  good: string,
  read: unknown,
];

/**
 * One test per case: the bad value is the only problem and is never echoed (it may be a
 * secret), the good one reads as told. `base` holds what the group requires besides.
 */
export function itReads(group: AnyGroup, cases: VariableCase[], base: Env = {}): void {
  it.each(cases)('%s: rejects %j, accepts the good value', (name, bad, message, good, read) => {
    const problems = problemsOf({ ...base, [name]: bad }, [group]);
    expect(problems).toEqual([expect.stringContaining(message)]);
    expect(problems[0]).toMatch(new RegExp(`^${name}\\b`));
    expect(problems[0]).not.toContain(`"${bad}"`);
    expect((valuesOf(group, { ...base, [name]: good }) as Record<string, unknown>)[name]).toEqual(
      read,
    );
  });
}

/**
 * The tests every group has: with `base` (what it requires) and nothing else set it reads as
 * `defaults` (each default read through its own schema), and each case of `cases` holds.
 */
export function describeGroup(
  group: AnyGroup,
  spec: { defaults: Record<string, unknown>; cases: VariableCase[]; base?: Env },
  more: () => void = () => {},
): void {
  describe(`the ${group.name} settings`, () => {
    it('read as the documented defaults when unset', () => {
      expect(valuesOf(group, spec.base)).toEqual(spec.defaults);
    });
    itReads(group, spec.cases, spec.base);
    more();
  });
}
