import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import {
  AbortError,
  isoSeconds,
  type MessageSource,
  type MessageStore,
  messageTime,
  type ProgressStore,
  type TgMessage,
} from '@tgfetch/core';

/**
 * Ports whose effects land in files, so that two processes (one of them killed) can be
 * checked for what each really did: every stored day is one line of `effects`.
 */
export function fileEffects(effects: string, progressFile: string, who: string) {
  const store: MessageStore = {
    async writeDay(day) {
      await appendFile(effects, `${who} ${day.date}\n`);
      // Kept so that the engine can check a complete day before it skips it.
      await writeFile(`${effects}.${day.date}.json`, JSON.stringify(day));
      return { count: day.count, location: `${day.chat}/${day.date}` };
    },
    async readDay(_chat, date) {
      try {
        return JSON.parse(await readFile(`${effects}.${date}.json`, 'utf8'));
      } catch {
        return undefined;
      }
    },
  };
  const read = async (): Promise<
    Record<string, { date: string; count: number; location: string; fetched_at: string }>
  > => {
    try {
      return JSON.parse(await readFile(progressFile, 'utf8'));
    } catch {
      return {};
    }
  };
  const progress: ProgressStore = {
    async completed(_chat, dates) {
      const all = await read();
      return new Map(dates.flatMap((d) => (all[d] ? [[d, all[d]] as const] : [])));
    },
    async markComplete(_chat, day) {
      const all = await read();
      all[day.date] = day;
      await writeFile(`${progressFile}.tmp`, JSON.stringify(all));
      await rename(`${progressFile}.tmp`, progressFile);
    },
  };
  return { store, progress };
}

/**
 * Serves `messages`, but stops before the first one older than `hangBefore` until `gate`
 * resolves (never, by default) or the run is aborted.
 */
export function hangingSource(
  messages: readonly TgMessage[],
  hangBefore = Number.NEGATIVE_INFINITY,
  gate: Promise<void> = new Promise(() => {}),
): MessageSource {
  let waitBefore = hangBefore;
  return {
    async *messages(request, signal) {
      const slice = messages
        .filter((m) => messageTime(m) >= request.from && messageTime(m) < request.to)
        .filter((m) => request.beforeId === undefined || m.id < request.beforeId)
        .sort((a, b) => b.id - a.id);
      for (const message of slice) {
        if (messageTime(message) < waitBefore) {
          await Promise.race([
            gate,
            new Promise((_, reject) =>
              signal.addEventListener('abort', () => reject(new AbortError()), { once: true }),
            ),
          ]);
          waitBefore = Number.NEGATIVE_INFINITY;
        }
        yield message;
      }
    },
  };
}

/** `count` plain messages an hour apart from midnight UTC of `day` (no vitest import: a child uses it). */
export function hourlyMessages(chat: string, day: string, count: number): TgMessage[] {
  const start = Date.parse(`${day}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    date: isoSeconds(start + i * 3_600_000),
    chat,
    type: 'message' as const,
    from_id: 1000,
    text: `message ${i + 1}`,
  }));
}
