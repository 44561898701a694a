import {
  errorInfo,
  type MessageSource,
  messageTime,
  runFetch,
  type TgMessage,
} from '@tgfetch/core';
import { commandFromFlags } from '../cli/args.js';
import type { CliContext } from '../cli/context.js';
import { EXIT } from '../cli/exit-codes.js';
import { type FlagsOf, flagSettings } from '../cli/flags.js';
import { fetchPorts, openFetchParts } from '../compose/parts.js';
import { runOptions } from '../compose/run-options.js';
import { createLifetime } from '../process/lifetime.js';
import { onShutdownSignals } from '../process/signals.js';
import { daysGroup } from '../settings/days.js';
import { settingsFor } from '../settings/environment.js';
import { runGroup } from '../settings/run.js';
import { shutdownGroup } from '../settings/shutdown.js';
import { sourceGroup } from '../settings/source.js';
import { storeGroup } from '../settings/store.js';
import { workerGroup } from '../settings/worker.js';
import { fetchSummary } from '../terminal/fetch-summary.js';
import { createDisplay } from '../terminal/progress-display.js';

/** What `fetch` reads; the source and the store chosen bring in their own groups. */
export const fetchSettings = [
  sourceGroup,
  daysGroup,
  runGroup,
  workerGroup,
  storeGroup,
  shutdownGroup,
] as const;

/** One fetch now into the data directory, with a live line on a terminal and a summary. */
export async function fetchCommand(flags: FlagsOf<'fetch'>, ctx: CliContext): Promise<number> {
  const settings = settingsFor(ctx, fetchSettings, flagSettings(flags), flags['env-file']);
  const { command } = commandFromFlags(flags, {
    now: Date.now(),
    timeZone: settings.days.TGFETCH_TZ,
    defaultStrategy: settings.days.FETCH_STRATEGY,
  });
  const timeZone = command.options.tz ?? settings.days.TGFETCH_TZ;
  const display = createDisplay(ctx.stderr, { timeZone });
  const lifetime = createLifetime({});
  const { source, store } = await openFetchParts(settings, lifetime, {
    cwd: ctx.cwd,
    chat: command.chat,
    storeHooks: {
      onCorruptFile: (notice) =>
        ctx.stderr.write(`repaired: ${notice.reason}; moved to ${notice.movedTo}\n`),
    },
  }).catch(async (error: unknown) => {
    await lifetime.close();
    throw error;
  });
  const controller = new AbortController();
  const stopSignals = onShutdownSignals({
    first: () => controller.abort(),
    graceMs: settings.shutdown.SHUTDOWN_GRACE_MS,
    exitCode: EXIT.interrupted,
  });
  try {
    const counting = countingSource(source.source, (message) =>
      display.message(messageTime(message), message.id),
    );
    const result = await runFetch(command, fetchPorts(counting, store, display), {
      ...runOptions(settings, (notice) => display.retry(notice)),
      signal: controller.signal,
    }).catch((error: unknown) => {
      if (controller.signal.aborted) return undefined;
      throw error;
    });
    display.stop();
    if (!result) {
      ctx.stderr.write('interrupted: the days already written are complete and kept\n');
      return EXIT.interrupted;
    }
    if (flags.json) ctx.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.event === 'completed') {
      ctx.stdout.write(fetchSummary(result, { command, timeZone, now: Date.now() }));
    } else {
      ctx.stderr.write(`failed ${result.chat}: ${result.error.code}: ${result.error.message}\n`);
    }
    return result.event === 'completed' ? EXIT.ok : EXIT.failed;
  } catch (error) {
    display.stop();
    const info = errorInfo(error);
    ctx.stderr.write(`failed: ${info.code}: ${info.message}\n`);
    return EXIT.failed;
  } finally {
    await lifetime.close();
    stopSignals();
  }
}

/**
 * The source, telling `onMessage` of each message as it arrives (for the live count); its
 * chat resolution and coverage pass through (canonical chat ids, days an export lacks).
 */
function countingSource(source: MessageSource, onMessage: (m: TgMessage) => void): MessageSource {
  return {
    ...(source.resolveChat
      ? { resolveChat: (chat, signal) => source.resolveChat!(chat, signal) }
      : {}),
    ...(source.coverage ? { coverage: (chat, signal) => source.coverage!(chat, signal) } : {}),
    ...(source.discussion
      ? { discussion: (chat, signal) => source.discussion!(chat, signal) }
      : {}),
    ...(source.comments
      ? { comments: (request, signal) => source.comments!(request, signal) }
      : {}),
    async *messages(request, signal) {
      for await (const message of source.messages(request, signal)) {
        onMessage(message);
        yield message;
      }
    },
  };
}
