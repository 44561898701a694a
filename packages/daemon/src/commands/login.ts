import { errorInfo } from '@tgfetch/core';
import { EXIT } from '../cli/exit-codes.js';
import type { FlagsOf } from '../cli/flags.js';
import { type CliContext, ConfigError, configFor } from '../context.js';
import { onShutdownSignals } from '../signals.js';
import { terminalPrompts } from '../terminal-prompts.js';

/**
 * Interactive sign-in through `login` of `@tgfetch/telegram` (the daemon builds no gramjs
 * client of its own). The session is a secret: it is never logged.
 */
export async function loginCommand(flags: FlagsOf<'login'>, ctx: CliContext): Promise<number> {
  const config = configFor(ctx, {}, {}, flags['env-file']);
  if (config.TELEGRAM_API_ID === undefined || config.TELEGRAM_API_HASH === undefined) {
    throw new ConfigError([
      'TELEGRAM_API_ID and TELEGRAM_API_HASH are required (from https://my.telegram.org)',
    ]);
  }
  const { login } = await import('@tgfetch/telegram');
  const controller = new AbortController();
  const stopSignals = onShutdownSignals({
    first: () => controller.abort(),
    graceMs: config.SHUTDOWN_GRACE_MS,
    exitCode: EXIT.interrupted,
  });
  const prompts = terminalPrompts(process.stdin, ctx.stderr, () => controller.abort());
  try {
    const session = await login(
      {
        apiId: config.TELEGRAM_API_ID,
        apiHash: config.TELEGRAM_API_HASH,
        phone: flags.phone ?? config.TELEGRAM_PHONE,
        qr: flags.qr ?? false,
        proxy: config.TELEGRAM_PROXY,
        connectTimeoutMs: config.TELEGRAM_CONNECT_TIMEOUT_MS,
        requestTimeoutMs: config.TELEGRAM_REQUEST_TIMEOUT_MS,
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
