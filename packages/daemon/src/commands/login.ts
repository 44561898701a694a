import { errorInfo } from '@tgfetch/core';
import type { CliContext } from '../cli/context.js';
import { EXIT } from '../cli/exit-codes.js';
import type { FlagsOf } from '../cli/flags.js';
import { onShutdownSignals } from '../process/signals.js';
import { accountGroup } from '../settings/account.js';
import { settingsFor } from '../settings/environment.js';
import { shutdownGroup } from '../settings/shutdown.js';
import { telegramGroup } from '../settings/telegram.js';
import { terminalPrompts } from '../terminal/prompts.js';

/** What `login` reads. */
export const loginSettings = [telegramGroup, accountGroup, shutdownGroup] as const;

/**
 * Interactive sign-in through `login` of `@tgfetch/telegram` (the daemon builds no gramjs
 * client of its own). The session is a secret: it is never logged.
 */

export async function loginCommand(flags: FlagsOf<'login'>, ctx: CliContext): Promise<number> {
  const { account, shutdown, telegram } = settingsFor(ctx, loginSettings, {}, flags['env-file']);
  const { login } = await import('@tgfetch/telegram');
  const controller = new AbortController();
  const stopSignals = onShutdownSignals({
    first: () => controller.abort(),
    graceMs: shutdown.SHUTDOWN_GRACE_MS,
    exitCode: EXIT.interrupted,
  });
  const prompts = terminalPrompts(process.stdin, ctx.stderr, () => controller.abort());
  try {
    const session = await login(
      {
        apiId: account.TELEGRAM_API_ID,
        apiHash: account.TELEGRAM_API_HASH,
        phone: flags.phone ?? account.TELEGRAM_PHONE,
        qr: flags.qr ?? false,
        proxy: telegram.TELEGRAM_PROXY,
        connectTimeoutMs: telegram.TELEGRAM_CONNECT_TIMEOUT_MS,
        requestTimeoutMs: telegram.TELEGRAM_REQUEST_TIMEOUT_MS,
        signal: controller.signal,
      },
      prompts,
    );
    ctx.stdout.write(`${session}\n`);
    ctx.stderr.write(
      'Put this in TELEGRAM_SESSION (in .env or the environment). Keep it secret.\n',
    );
    return EXIT.ok;
  } catch (error) {
    if (controller.signal.aborted) {
      ctx.stderr.write('login: interrupted; no session was made\n');
      return EXIT.interrupted;
    }
    const info = errorInfo(error);
    ctx.stderr.write(`login: ${info.code}: ${info.message}\nNo session was made.\n`);
    return EXIT.failed;
  } finally {
    prompts.close();
    stopSignals();
  }
}
