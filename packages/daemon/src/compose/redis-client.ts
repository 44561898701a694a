import type { TgfetchError } from '@tgfetch/core';
import { UsageError } from '../cli/args.js';
import type { CliContext } from '../cli/context.js';
import { flagSettings } from '../cli/flags.js';
import { settingsFor } from '../settings/environment.js';
import type { AnyGroup, SettingsOf } from '../settings/group.js';

/**
 * The settings of `send` and `listen`, `--redis-url` over REDIS_URL (refused when it
 * carries a password).
 */
export function redisClientSettings<const G extends readonly AnyGroup[]>(
  flags: { 'redis-url'?: string; 'env-file'?: string },
  ctx: CliContext,
  groups: G,
): SettingsOf<G> {
  refusePasswordInArgs(flags['redis-url']);
  return settingsFor(ctx, groups, flagSettings(flags), flags['env-file']);
}

/**
 * `--redis-url redis://:pw@host` would show the password to anyone running `ps`: refused,
 * pointing at the environment and files instead.
 */
function refusePasswordInArgs(url: string | undefined): void {
  if (url === undefined) return;
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    return; // The configuration check reports a malformed URL.
  }
  if (password !== '') {
    throw new UsageError(
      '--redis-url must not carry a password (any user could read it with `ps`): set REDIS_URL or REDIS_PASSWORD in the environment or .env, or REDIS_URL_FILE / REDIS_PASSWORD_FILE',
    );
  }
}

/**
 * For `send` and `listen`: each kind of Redis problem told once on stderr as it happens (an
 * unreachable host names its address and cause within the first attempt), while the
 * connection keeps retrying until the outage limit.
 */
export function reportRedisProblems(ctx: CliContext): (error: TgfetchError) => void {
  const told = new Set<string>();
  return (error) => {
    // The fatal ones end the command, and its exit report tells them.
    if (!error.retryable) return;
    const key = `${error.code}:${error.message}`;
    if (told.has(key)) return;
    told.add(key);
    ctx.stderr.write(`tgfetch: ${error.code}: ${error.message}\n`);
  };
}
