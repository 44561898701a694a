/**
 * Embed the engine in your own app, with a store of your own.
 *
 * Run: `npx vitest run examples` from the repository root runs every example; in your app,
 * call `main({ dir })`. Shows: core's `runCommand` over any `MessageSource` (here the
 * simulated Telegram, no account needed) writing through a custom `MessageStore` — one
 * JSON Lines file per chat and day — with core's in-memory progress and events.
 * `examples.test.ts` also runs core's conformance suite against this store: do the same for
 * yours.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  chatKey,
  createMemoryEventSink,
  createMemoryProgress,
  type DayDocument,
  type FetchOutcome,
  type MessageStore,
  mergeMessages,
  runCommand,
  type TgMessage,
  ZoneConflictError,
} from '@tgfetch/core';
import { createSimulatedSource } from '@tgfetch/telegram/testing';

/**
 * Days as `<dir>/<chat>/<date>.jsonl`: a header line, then one message a line. A chat keeps
 * the zone of its first day in `<dir>/<chat>/zone` (the zone rule every store keeps).
 */
export function createJsonlStore(dir: string): MessageStore {
  const locationOf = (chat: string, date: string) => `${chatKey(chat)}/${date}.jsonl`;
  const fileOf = (chat: string, date: string) => path.join(dir, locationOf(chat, date));
  const claimZone = async (chat: string, timeZone: string) => {
    const file = path.join(dir, chatKey(chat), 'zone');
    const stored = await readFile(file, 'utf8').catch(() => undefined);
    if (stored !== undefined && stored !== timeZone) {
      throw new ZoneConflictError(chat, stored, timeZone);
    }
    await mkdir(path.dirname(file), { recursive: true });
    if (stored === undefined) await writeFile(file, timeZone);
  };
  const read = async (chat: string, date: string): Promise<DayDocument | undefined> => {
    const text = await readFile(fileOf(chat, date), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const [head, ...lines] = text.trimEnd().split('\n');
    const messages = lines.map((line) => JSON.parse(line) as TgMessage);
    return { ...JSON.parse(head ?? '{}'), count: messages.length, messages };
  };
  return {
    readDay: read,
    // Locations are relative to the store's root; events show them joined with it.
    filePath: (location) => path.join(dir, location),
    async writeDay(day) {
      await claimZone(day.chat, day.time_zone);
      // The contract: merge with what is stored (by id), and write whole or not at all.
      const old = await read(day.chat, day.date);
      const messages = mergeMessages(old?.messages ?? [], day.messages);
      const { messages: _, count: __, ...head } = day;
      const complete = day.complete || (old?.complete ?? false);
      const file = fileOf(day.chat, day.date);
      await mkdir(path.dirname(file), { recursive: true });
      const lines = [
        JSON.stringify({ ...head, complete }),
        ...messages.map((m) => JSON.stringify(m)),
      ];
      await writeFile(`${file}.tmp`, `${lines.join('\n')}\n`);
      await rename(`${file}.tmp`, file);
      return { count: messages.length, location: locationOf(day.chat, day.date) };
    },
  };
}

export async function main({ dir }: { dir: string }): Promise<FetchOutcome> {
  const source = createSimulatedSource();
  const events = createMemoryEventSink();
  events.subscribe((event) => {
    if (event.event === 'progress') console.log(`${event.date}: ${event.count} messages`);
  });
  try {
    // The same JSON a producer would push onto Redis.
    return await runCommand(
      '{"command":"fetch","chat":"@example_chat","mode":"days","days":3,"strategy":"batch"}',
      { source, store: createJsonlStore(dir), progress: createMemoryProgress(), events },
      { timeZone: 'Europe/Berlin', workerId: 'my-app' },
    );
  } finally {
    await source.close();
  }
}
