import path from 'node:path';
import { AbortError, errorInfo, messageEvents } from '@tgfetch/core';
import { createFsResumeStore } from '@tgfetch/fs-store';
import type { TelegramSource } from '@tgfetch/telegram';
import type { CliContext } from '../cli/context.js';
import { EXIT } from '../cli/exit-codes.js';
import { type FlagsOf, flagSettings } from '../cli/flags.js';
import { openSource } from '../compose/sources.js';
import { openStore } from '../compose/stores.js';
import { createFollower } from '../follow/follower.js';
import { changeLine } from '../follow/lines.js';
import { createLifetime } from '../process/lifetime.js';
import { onShutdownSignals } from '../process/signals.js';
import { daysGroup } from '../settings/days.js';
import { settingsFor } from '../settings/environment.js';
import { filesGroup } from '../settings/files.js';
import { followGroup } from '../settings/follow.js';
import { shutdownGroup } from '../settings/shutdown.js';
import { sourceGroup } from '../settings/source.js';
import { storeGroup } from '../settings/store.js';
import { workerGroup } from '../settings/worker.js';

/**
 * What `follow` reads: the data directory holds where it stopped whatever the store; the
 * source and the store chosen bring in their own groups.
 */
export const followSettings = [
  sourceGroup,
  daysGroup,
  storeGroup,
  filesGroup,
  followGroup,
  workerGroup,
  shutdownGroup,
] as const;

/**
 * Follows chats live in the foreground: every new message, edit and deletion is stored
 * (edits merged, deletions kept as tombstones) and printed, one line each (JSON with
 * `--json`), until Ctrl-C. Where it stopped is kept in `<DATA_DIR>/.resume`, so the next run
 * catches up on what happened meanwhile.
 */
export async function followCommand(flags: FlagsOf<'follow'>, ctx: CliContext): Promise<number> {
  const settings = settingsFor(ctx, followSettings, flagSettings(flags), flags['env-file']);
  const chats = flags['follow-chat'] ?? [];
  if (chats.length === 0) {
    ctx.stderr.write('follow: name at least one chat with --chat\n');
    return EXIT.usage;
  }
  const lifetime = createLifetime({});
  const controller = new AbortController();
  const stopSignals = onShutdownSignals({
    first: () => controller.abort(),
    graceMs: settings.shutdown.SHUTDOWN_GRACE_MS,
    exitCode: EXIT.interrupted,
  });
  try {
    const source = await lifetime.open(
      // The simulated Telegram's live history is the same in every run (of the wall clock and
      // the seed): a run after a break catches up on what happened during it.
      openSource(settings, { simulatedLive: { eventsPerSecond: 2, shared: {} } }),
    );
    if (source.kind === 'export') {
      ctx.stderr.write(
        'follow: an export does not change; follow needs --source telegram or simulated\n',
      );
      return EXIT.usage;
    }
    const store = await lifetime.open(openStore(settings, ctx.cwd));
    const follower = await createFollower(
      {
        source: source.source as TelegramSource,
        store: store.store,
        progress: store.progress,
        lock: store.lock,
        resume: createFsResumeStore({ dataDir: path.resolve(ctx.cwd, settings.files.DATA_DIR) }),
        timeZone: settings.days.TGFETCH_TZ,
        maxPollIntervalMs: settings.follow.FOLLOW_POLL_MS,
        onRetry: (error, attempt, delayMs) =>
          ctx.stderr.write(
            `retrying in ${Math.round(delayMs / 1000)} s (attempt ${attempt}): ${errorInfo(error).code}: ${errorInfo(error).message}\n`,
          ),
        announce: async (result) => {
          // --json prints the very events a daemon publishes for the same changes.
          const lines = flags.json
            ? messageEvents(result, {
                ts: new Date().toISOString(),
                worker_id: settings.worker.WORKER_ID,
              }).map((event) => JSON.stringify(event))
            : result.messages.map(changeLine);
          for (const line of lines) ctx.stdout.write(`${line}\n`);
        },
      },
      controller.signal,
    );
    lifetime.defer(() => follower.close());
    const canonical = [];
    for (const chat of chats) canonical.push(await follower.resolve(chat, controller.signal));
    if (!flags.json) {
      ctx.stderr.write(`following ${canonical.join(', ')} into ${store.where} (Ctrl-C to stop)\n`);
    }
    await follower.follow(canonical, controller.signal);
    return EXIT.ok;
  } catch (error) {
    if (controller.signal.aborted || error instanceof AbortError) {
      if (!flags.json) ctx.stderr.write('stopped: every change printed is stored\n');
      return EXIT.ok;
    }
    const info = errorInfo(error);
    ctx.stderr.write(`failed: ${info.code}: ${info.message}\n`);
    return EXIT.failed;
  } finally {
    await lifetime.close();
    stopSignals();
  }
}
