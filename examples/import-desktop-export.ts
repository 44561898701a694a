/**
 * Import a Telegram Desktop export (`result.json`) into day files.
 *
 * Run: `npx vitest run examples` from the repository root; with your own export,
 * `tgfetch fetch --source export:path/to/result.json --chat @name --from A --to B` does the
 * same. Shows: `createExportSource` (it never loads gramjs and reads the file in one
 * streaming pass) as the source of core's `runFetch`, with the file-system store: the same
 * day files a live fetch writes. Here a tiny export is written first, so the example runs
 * anywhere.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createMemoryEventSink, type FetchOutcome, parseCommand, runFetch } from '@tgfetch/core';
import { createFsStore } from '@tgfetch/fs-store';
import { createExportSource } from '@tgfetch/telegram/export';

/** What Telegram Desktop writes for a channel ("Export chat history", format JSON). */
const desktopExport = {
  name: 'Example channel',
  type: 'public_channel',
  id: 1234567890,
  messages: [
    {
      id: 1,
      type: 'message',
      date: '2025-11-06T09:00:00',
      date_unixtime: '1762419600',
      from: 'Example channel',
      from_id: 'channel1234567890',
      text: 'first',
      text_entities: [{ type: 'plain', text: 'first' }],
    },
    {
      id: 2,
      type: 'message',
      date: '2025-11-06T21:30:00',
      date_unixtime: '1762464600',
      from: 'Example channel',
      from_id: 'channel1234567890',
      text: ['see ', { type: 'link', text: 'https://t.me' }],
      text_entities: [
        { type: 'plain', text: 'see ' },
        { type: 'link', text: 'https://t.me' },
      ],
    },
    {
      id: 3,
      type: 'message',
      date: '2025-11-07T08:15:00',
      date_unixtime: '1762503300',
      from: 'Example channel',
      from_id: 'channel1234567890',
      text: 'next day',
      text_entities: [{ type: 'plain', text: 'next day' }],
      reply_to_message_id: 2,
    },
  ],
};

export async function main({ dir }: { dir: string }): Promise<FetchOutcome> {
  const file = path.join(dir, 'result.json');
  await writeFile(file, JSON.stringify(desktopExport, null, 1));

  // Exports carry no username: `chat` names the folder the days are filed under.
  const source = createExportSource({ file, chat: '@example_channel' });
  const store = createFsStore({ dataDir: path.join(dir, 'data') });
  const parsed = parseCommand({
    command: 'fetch',
    chat: '@example_channel',
    mode: 'range',
    from: '2025-11-06',
    to: '2025-11-07',
    strategy: 'batch',
  });
  if (!parsed.ok) throw parsed.error;
  try {
    const outcome = await runFetch(
      parsed.command,
      { source, store, progress: store, events: createMemoryEventSink() },
      { workerId: 'importer' },
    );
    for (const day of outcome.days ?? [])
      console.log(`${day.date}: ${day.count} -> ${day.file_path}`);
    return outcome;
  } finally {
    await source.close();
    await store.close();
  }
}
