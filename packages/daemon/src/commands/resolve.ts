import type { Invoke } from '@tgfetch/telegram';
import { UsageError } from '../cli/args.js';
import type { CliContext } from '../cli/context.js';
import { EXIT } from '../cli/exit-codes.js';
import { type FlagsOf, flagSettings } from '../cli/flags.js';
import { type OpenedSource, openSource } from '../compose/sources.js';
import { settingsFor } from '../settings/environment.js';
import { sourceGroup } from '../settings/source.js';

/** What `resolve` reads; the source chosen brings in its own groups. */
export const resolveSettings = [sourceGroup] as const;

/** What a name, link or id resolves to: the canonical `--chat`, id, title and kind. */
export async function resolveCommand(
  flags: FlagsOf<'resolve'>,
  ctx: CliContext,
  args: string[],
): Promise<number> {
  const [input] = args;
  if (input === undefined) throw new UsageError('resolve needs a chat');
  const settings = settingsFor(ctx, resolveSettings, flagSettings(flags), flags['env-file']);
  const opened = await openSource(settings);
  try {
    const { describeChat } = await import('@tgfetch/telegram');
    const chat = await describeChat(telegramInvoke(opened), input);
    ctx.stdout.write(
      flags.json
        ? `${JSON.stringify(chat)}\n`
        : `${chat.chat}\n  id     ${chat.id}\n  kind   ${chat.kind}\n  title  ${chat.title}\n`,
    );
    return EXIT.ok;
  } finally {
    await opened.close();
  }
}

/** Requests on the source's Telegram connection; an export has none to ask. */
export function telegramInvoke(opened: OpenedSource): Invoke {
  if (!opened.invoke)
    throw new UsageError(
      'this needs the telegram source (an export is listed with `tgfetch chats`)',
    );
  return opened.invoke;
}
