import { errorInfo, TgfetchError } from '@tgfetch/core';
import { UsageError } from './args.js';
import { daemonCommand } from './commands/daemon.js';
import { FETCH_HELP, fetchCommand } from './commands/fetch.js';
import { listenCommand } from './commands/listen.js';
import { LOGIN_HELP, loginCommand } from './commands/login.js';
import { sendCommand } from './commands/send.js';
import { type CliContext, ConfigError, processContext } from './context.js';

export const HELP = `tgfetch: fetch Telegram chat history day by day, on command.

Usage: tgfetch <command> [options]

  fetch    one fetch now into the data directory (no Redis needed)
  send     push a fetch command onto the Redis queue (--wait to wait for its result)
  listen   print events from Redis (--json for raw JSON)
  daemon   take commands from Redis and run them
  login    sign in to Telegram (a code, or --qr) and print the TELEGRAM_SESSION string

Configuration comes from the environment and ./.env (see the README).
Run \`tgfetch <command> --help\` for a command's options.

${FETCH_HELP}
${LOGIN_HELP}`;

const commands: Record<string, (argv: string[], ctx: CliContext) => Promise<number>> = {
  fetch: fetchCommand,
  send: sendCommand,
  listen: listenCommand,
  daemon: daemonCommand,
  login: loginCommand,
};

/**
 * Exit codes: 0 done (or stopped by a signal, before or after the daemon was ready), 1 the
 * command failed, 2 usage or configuration (Redis refusing credentials, database or key type
 * included), 3 Redis gone too long.
 */
export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    ctx.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    ctx.stderr.write(`tgfetch: unknown command "${name}"; run \`tgfetch --help\`\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout.write(HELP);
    return 0;
  }
  try {
    return await command(rest, ctx);
  } catch (error) {
    return report(error, ctx);
  }
}

function report(error: unknown, ctx: CliContext): number {
  if (error instanceof UsageError) {
    ctx.stderr.write(`tgfetch: ${error.message}\nRun \`tgfetch --help\` for usage.\n`);
    return 2;
  }
  if (error instanceof ConfigError) {
    ctx.stderr.write(`tgfetch: ${error.message}\n`);
    return 2;
  }
  const info = errorInfo(error);
  ctx.stderr.write(`tgfetch: ${info.code}: ${info.message}\n`);
  if (!(error instanceof TgfetchError)) return 1;
  // Refused credentials, a bad database number, a key of another type: fix the configuration.
  if (error.code === 'REDIS_AUTH' || error.code === 'REDIS_CONFIG') return 2;
  return error.code === 'REDIS_UNAVAILABLE' ? 3 : 1;
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';
