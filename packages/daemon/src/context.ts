import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { type Config, loadConfig, type Needs } from './config.js';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliContext {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  cwd: string;
}

export function processContext(): CliContext {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}

/** A configuration problem: every issue listed, exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'CONFIG';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

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

export function configFor(
  ctx: CliContext,
  needs: Needs,
  overrides: Record<string, string | undefined> = {},
  envFile?: string,
): Config {
  const env = {
    ...environment(ctx, envFile),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
  const result = loadConfig(env, needs);
  if (!result.ok) throw new ConfigError(result.errors);
  return result.config;
}
