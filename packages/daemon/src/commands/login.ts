import { createInterface } from 'node:readline/promises';
import { EXIT } from '../cli/exit-codes.js';
import type { FlagsOf } from '../cli/flags.js';
import { type CliContext, ConfigError, configFor } from '../context.js';
import { onShutdownSignals } from '../signals.js';

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
  // Ctrl-C at a prompt (the terminal's, or a SIGINT/SIGTERM from outside) ends the login
  // with 130 and no session; the end of input ends it with 1. Never a silent 0.
  const interrupted = new AbortController();
  let inputEnded = false;
  rl.on('SIGINT', () => interrupted.abort());
  rl.on('close', () => {
    inputEnded = true;
    interrupted.abort();
  });
  const stopSignals = onShutdownSignals({
    first: () => interrupted.abort(),
    second: () => process.exit(EXIT.interrupted),
  });
  const ask = async (question: string) =>
    (await rl.question(question, { signal: interrupted.signal })).trim();
  let client: InstanceType<typeof import('telegram').TelegramClient> | undefined;
  try {
    // Asked before connecting, so a wrong start costs no request to Telegram.
    const phone =
      flags.phone ?? config.TELEGRAM_PHONE ?? (await ask('Phone number (international format): '));
    client = new TelegramClient(
      new StringSession(''),
      config.TELEGRAM_API_ID,
      config.TELEGRAM_API_HASH,
      {
        connectionRetries: 3,
        baseLogger: new Logger(LogLevel.NONE),
      },
    );
    const started = client.start({
      phoneNumber: async () => phone,
      phoneCode: async () => ask('Code from Telegram: '),
      password: async (hint) =>
        ask(`Two-step verification password${hint ? ` (hint: ${hint})` : ''}: `),
      onError: async (error) => {
        if (!interrupted.signal.aborted) ctx.stderr.write(`login: ${error.message}\n`);
        return true; // stop: a wrong code or password is better retried from the start
      },
    });
    await Promise.race([started, aborted(interrupted.signal)]);
    ctx.stdout.write(`${String(client.session.save())}\n`);
    ctx.stderr.write(
      'Put this in TELEGRAM_SESSION (in .env or the environment). Keep it secret.\n',
    );
    return EXIT.ok;
  } catch (error) {
    if (!interrupted.signal.aborted) throw error;
    ctx.stderr.write(
      inputEnded
        ? '\nlogin: input ended before the sign-in finished; no session was made\n'
        : '\nlogin: interrupted; no session was made\n',
    );
    return inputEnded ? EXIT.failed : EXIT.interrupted;
  } finally {
    stopSignals();
    rl.close();
    await client?.destroy();
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
