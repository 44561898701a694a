import type { ChatInfo } from '@tgfetch/telegram';
import type { CliContext } from '../cli/context.js';
import { EXIT } from '../cli/exit-codes.js';
import { type FlagsOf, flagSettings } from '../cli/flags.js';
import { openSource } from '../compose/sources.js';
import { daysGroup } from '../settings/days.js';
import { settingsFor } from '../settings/environment.js';
import type { Settings, Uses } from '../settings/index.js';
import { sourceGroup } from '../settings/source.js';
import { telegramInvoke } from './resolve.js';

/** One row of `tgfetch chats`: what to pass as `--chat`, and for an export, which days. */
interface ChatRow extends ChatInfo {
  messages?: number;
  /** First and last day of an export's messages, in the configured time zone. */
  from?: string;
  to?: string;
}

/** What `chats` reads: the days cut an export's chats' days in. */
export const chatsSettings = [sourceGroup, daysGroup] as const;

/**
 * The account's dialogs, or with `--source export:<file>` the chats of that export, each
 * with the exact `--chat` to fetch it (and for an export, the days it holds).
 */
export async function chatsCommand(flags: FlagsOf<'chats'>, ctx: CliContext): Promise<number> {
  const settings = settingsFor(ctx, chatsSettings, flagSettings(flags), flags['env-file']);
  const spec = settings.source.TGFETCH_SOURCE;
  const rows = spec.startsWith('export:')
    ? await exportChats(spec.slice('export:'.length), settings.days.TGFETCH_TZ)
    : await accountChats(settings);
  if (flags.json) ctx.stdout.write(`${JSON.stringify(rows)}\n`);
  else ctx.stdout.write(table(rows, spec));
  return EXIT.ok;
}

async function accountChats(settings: Uses<'source'> & Settings) {
  const opened = await openSource(settings);
  try {
    const { listDialogs } = await import('@tgfetch/telegram');
    return await listDialogs(telegramInvoke(opened));
  } finally {
    await opened.close();
  }
}

async function exportChats(file: string, timeZone: string): Promise<ChatRow[]> {
  const { listExportChats } = await import('@tgfetch/telegram/export');
  const day = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return (await listExportChats(file, { timeZone })).flatMap((c) => {
    if (c.chat === undefined) return [];
    const row: ChatRow = {
      chat: c.chat,
      id: c.chat,
      title: c.name ?? '',
      kind: exportKind(c.type),
      messages: c.messages,
    };
    if (c.first) row.from = day.format(new Date(c.first));
    if (c.last) row.to = day.format(new Date(c.last));
    return [row];
  });
}

function exportKind(type: string | undefined): ChatInfo['kind'] {
  if (type?.includes('channel')) return 'channel';
  if (type?.includes('supergroup')) return 'supergroup';
  if (type?.includes('group')) return 'group';
  return type === 'bot_chat' ? 'bot' : 'user';
}

function table(rows: ChatRow[], spec: string): string {
  if (rows.length === 0) return 'no chats\n';
  const fromExport = spec.startsWith('export:');
  const head = fromExport
    ? ['--chat', 'kind', 'messages', 'days', 'title']
    : ['--chat', 'id', 'kind', 'title'];
  const cells = rows.map((r) =>
    fromExport
      ? [
          r.chat,
          r.kind,
          String(r.messages ?? 0),
          r.from ? `--from ${r.from} --to ${r.to}` : '-',
          r.title,
        ]
      : [r.chat, r.id, r.kind, r.title],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    `${c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()}\n`;
  const hint = fromExport
    ? `\nFetch one: tgfetch fetch --source ${spec} --chat <--chat> --from <day> --to <day>\n`
    : '';
  return line(head) + cells.map(line).join('') + hint;
}
