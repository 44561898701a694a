import { createInterface } from 'node:readline/promises';
import type { FlagsOf } from '../cli/flags.js';
import { type CliContext, ConfigError, configFor } from '../context.js';

/**
 * Interactive sign-in: phone, the code Telegram sends, and the 2FA password when the
 * account has one. Prompts go to stderr and the session string alone to stdout, so
 * `tgfetch login > session.txt` works. The session is a secret: it is never logged.
 */
export async function loginCommand(flags: FlagsOf<'login'>, ctx: CliContext): Promise<number> {
  const config = configFor(ctx, {}, {}, flags['env-file']);
  if (config.TELEGRAM_API_ID === undefined || config.TELEGRAM_API_HASH === undefined) {
    throw new ConfigError([
      'TELEGRAM_API_ID and TELEGRAM_API_HASH are required (from https://my.telegram.org)',
    ]);
  }
  const { TelegramClient } = await import('telegram');
  const { StringSession } = await import('telegram/sessions/index.js');
  const { Logger, LogLevel } = await import('telegram/extensions/Logger.js');
  const rl = createInterface({
    input: process.stdin,
    output: process.stderr,
    terminal: Boolean(process.stdin.isTTY),
  });
  const ask = async (question: string) => (await rl.question(question)).trim();
  const client = new TelegramClient(
    new StringSession(''),
    config.TELEGRAM_API_ID,
    config.TELEGRAM_API_HASH,
    {
      connectionRetries: 3,
      baseLogger: new Logger(LogLevel.NONE),
    },
  );
  try {
    await client.start({
      phoneNumber: async () =>
        flags.phone ?? config.TELEGRAM_PHONE ?? ask('Phone number (international format): '),
      phoneCode: async () => ask('Code from Telegram: '),
      password: async (hint) =>
        ask(`Two-step verification password${hint ? ` (hint: ${hint})` : ''}: `),
      onError: async (error) => {
        ctx.stderr.write(`login: ${error.message}\n`);
        return true; // stop: a wrong code or password is better retried from the start
      },
    });
    ctx.stdout.write(`${String(client.session.save())}\n`);
    ctx.stderr.write(
      'Put this in TELEGRAM_SESSION (in .env or the environment). Keep it secret.\n',
    );
    return 0;
  } finally {
    rl.close();
    await client.destroy();
  }
}
