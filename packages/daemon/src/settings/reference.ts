import type { AnyGroup, AnyVariable } from './group.js';
import { GROUPS } from './index.js';
import { alternatives } from './schemas.js';

export const SETTINGS_BEGIN =
  '<!-- settings:begin (generated from packages/daemon/src/settings: UPDATE_DOCS=1 pnpm vitest run packages/daemon/src/settings/reference.test.ts) -->';
export const SETTINGS_END = '<!-- settings:end -->';

/** What the reference needs of a command: the groups it names. */
type Commands = Readonly<Record<string, { readonly settings: readonly AnyGroup[] }>>;

/**
 * The settings reference of docs/configuration.md, between its markers: each group with
 * what it is for, the commands that check it (and when, for a group a chosen source or
 * store brings in), and a row per variable.
 */
export function settingsReference(commands: Commands): string {
  const checks = checkedBy(commands);
  const sections = GROUPS.map((group) =>
    [
      `### ${group.title}`,
      '',
      `${group.summary} ${checksSentence(checks.get(group))}`,
      '',
      '| variable | default | meaning |',
      '| --- | --- | --- |',
      ...Object.entries(group.variables as Record<string, AnyVariable>).map(row),
    ].join('\n'),
  );
  return [SETTINGS_BEGIN, '', ...sections.flatMap((s) => [s, '']), SETTINGS_END].join('\n');
}

function row([name, variable]: [string, AnyVariable]): string {
  const fallback =
    variable.shown ??
    (typeof variable.default === 'string'
      ? `\`${variable.default}\``
      : variable.required === undefined
        ? '—'
        : '— (required)');
  const notes = variable.secret ? ` (secret; or \`${name}_FILE\`)` : '';
  return `| \`${name}\` | ${fallback} | ${variable.doc}${notes} |`;
}

/** For each group, each command that checks it, with the conditions of each way it gets there. */
type Checks = Map<AnyGroup, Map<string, string[][]>>;

function checkedBy(commands: Commands): Checks {
  const checks: Checks = new Map();
  const visit = (command: string, group: AnyGroup, path: string[], seen: Set<AnyGroup>) => {
    if (seen.has(group)) return;
    const byCommand = checks.get(group) ?? new Map<string, string[][]>();
    checks.set(group, byCommand);
    byCommand.set(command, [...(byCommand.get(command) ?? []), path]);
    for (const requirement of group.requires?.() ?? []) {
      const next = requirement.when ? [...path, requirement.when] : path;
      for (const brought of requirement.groups)
        visit(command, brought, next, new Set([...seen, group]));
    }
  };
  for (const [command, spec] of Object.entries(commands))
    for (const group of spec.settings) visit(command, group, [], new Set());
  return checks;
}

/** "Checked by `a` and `b`; by `c` with `STORE=postgres`." */
function checksSentence(byCommand: Map<string, string[][]> | undefined): string {
  if (!byCommand) return 'Checked by no command.';
  const always: string[] = [];
  const when = new Map<string, string[]>();
  for (const [command, paths] of byCommand) {
    if (paths.some((p) => p.length === 0)) {
      always.push(command);
      continue;
    }
    const condition = alternatives([...new Set(paths.map((p) => p.join(' and ')))]);
    when.set(condition, [...(when.get(condition) ?? []), command]);
  }
  const names = (list: string[]) =>
    alternatives(
      list.map((c) => `\`${c}\``),
      'and',
    );
  const parts = [
    ...(always.length > 0 ? [names(always)] : []),
    ...[...when].map(([condition, list]) => `${names(list)} ${condition}`),
  ];
  return `Checked by ${parts.join('; by ')}.`;
}
