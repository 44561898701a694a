import type { SOURCES } from '../compose/sources.js';
import type { STORES } from '../compose/stores.js';
import { accountGroup } from './account.js';
import { consoleGroup } from './console.js';
import { databaseGroup } from './database.js';
import { daysGroup } from './days.js';
import { eventsGroup } from './events.js';
import { followGroup } from './follow.js';
import type { AnyGroup, AnyVariable, GroupValues } from './group.js';
import { messagesGroup } from './messages.js';
import { persistGroup } from './persist.js';
import { queueGroup } from './queue.js';
import { redisGroup } from './redis.js';
import { runGroup } from './run.js';
import { schedulesGroup } from './schedules.js';
import { serviceGroup } from './service.js';
import { shutdownGroup } from './shutdown.js';
import { sourceGroup } from './source.js';
import { storeGroup } from './store.js';
import { telegramGroup } from './telegram.js';
import { workerGroup } from './worker.js';

/**
 * The groups commands name (in the order of the reference). A group that only a source or
 * a store reads is not listed: it is found through the table that chooses it.
 */
const NAMED = [
  sourceGroup,
  telegramGroup,
  accountGroup,
  daysGroup,
  runGroup,
  storeGroup,
  databaseGroup,
  messagesGroup,
  redisGroup,
  queueGroup,
  eventsGroup,
  followGroup,
  schedulesGroup,
  consoleGroup,
  workerGroup,
  serviceGroup,
  persistGroup,
  shutdownGroup,
] as const;

/**
 * Every settings group: those commands name, each followed by those it brings in (the
 * telegram source's session, the file store's data directory).
 */
export const GROUPS: readonly AnyGroup[] = withBroughtIn(NAMED);

function withBroughtIn(named: readonly AnyGroup[]): AnyGroup[] {
  const all: AnyGroup[] = [];
  const add = (group: AnyGroup) => {
    if (all.includes(group)) return;
    all.push(group);
    for (const requirement of group.requires?.() ?? []) requirement.groups.forEach(add);
  };
  named.forEach(add);
  return all;
}

/** The groups a source or a store brings in, as their tables name them. */
type BroughtIn =
  | (typeof SOURCES)[keyof typeof SOURCES]['settings'][number]
  | (typeof STORES)[keyof typeof STORES]['settings'][number];
type Groups = (typeof NAMED)[number] | BroughtIn;
export type GroupName = Groups['name'];

/** The values of the group named `N`. */
export type ValuesOf<N extends GroupName> = GroupValues<Extract<Groups, { name: N }>>;

/** What a part of the composition reads: the groups it names, and only those. */
export type Uses<N extends GroupName> = { readonly [K in N]: ValuesOf<K> };

/** Settings as loaded: each group that was read, under its name. */
export type Settings = Partial<Uses<GroupName>>;

/** The name of any setting. */
export type VariableName = { [G in Groups as G['name']]: keyof G['variables'] & string }[GroupName];

/** A variable by its name; undefined for a name no group has. */
export function variableNamed(name: string): AnyVariable | undefined {
  for (const group of GROUPS) {
    const variable = (group.variables as Record<string, AnyVariable>)[name];
    if (variable) return variable;
  }
  return undefined;
}

/** The names of the secrets, for paths a logger redacts. */
export const SECRET_NAMES: readonly string[] = GROUPS.flatMap((group) =>
  Object.entries(group.variables as Record<string, AnyVariable>)
    .filter(([, variable]) => variable.secret)
    .map(([name]) => name),
);

/** Every secret value of loaded settings: what a service's logs must never show. */
export function secretValues(settings: Settings): string[] {
  const values: string[] = [];
  for (const group of GROUPS) {
    const loaded = (settings as Record<string, Record<string, unknown>>)[group.name];
    if (!loaded) continue;
    for (const [name, variable] of Object.entries(group.variables as Record<string, AnyVariable>)) {
      const value = loaded[name];
      if (!variable.secret || typeof value !== 'string') continue;
      const parts = variable.secret === true ? [value] : variable.secret(value);
      for (const part of parts) if (part) values.push(part);
    }
  }
  return values;
}

export { ConfigError } from './config-error.js';
export { environment, settingsFor } from './environment.js';
export type { AnyGroup, Group, SettingsOf } from './group.js';
export { loadSettings, type SettingsResult } from './load.js';
export { redactUrl } from './redact.js';
