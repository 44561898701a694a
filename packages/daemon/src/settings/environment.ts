import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { CliContext } from '../cli/context.js';
import { ConfigError } from './config-error.js';
import type { AnyGroup, SettingsOf } from './group.js';
import { loadSettings } from './load.js';

/**
 * The environment with `.env` (from the working directory, or `--env-file`) underneath it:
 * real environment variables win, as with docker and systemd.
 */
export function environment(ctx: CliContext, envFile?: string): Record<string, string | undefined> {
  const file = resolve(ctx.cwd, envFile ?? '.env');
  if (!existsSync(file)) {
    if (envFile) throw new ConfigError([`--env-file ${envFile} does not exist`]);
    return ctx.env;
  }
  const fromFile = parseEnv(readFileSync(file, 'utf8'));
  return { ...fromFile, ...ctx.env };
}

/**
 * A command's settings: `groups` read from the environment and `.env`, a flag's value in
 * `overrides` winning over both (unset flags are left out). Throws a `ConfigError` listing
 * every problem.
 */
export function settingsFor<const G extends readonly AnyGroup[]>(
  ctx: CliContext,
  groups: G,
  overrides: Record<string, string | undefined> = {},
  envFile?: string,
): SettingsOf<G> {
  const env = {
    ...environment(ctx, envFile),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
  const result = loadSettings(env, groups);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.settings;
}
