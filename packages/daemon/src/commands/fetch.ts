import { errorInfo, runFetch } from '@tgfetch/core';
import { COMMAND_FLAGS, commandFromFlags, parseFlags } from '../args.js';
import { type CliContext, configFor } from '../context.js';
import { createDisplay } from '../progress-display.js';
import { onShutdownSignals } from '../signals.js';
import { openSource } from '../sources.js';
import { openStore } from '../stores.js';

export const FETCH_HELP = `tgfetch fetch --chat CHAT (--date D | --days N | --from A --to B) [options]

One fetch now, into the data directory; no Redis needed.

  --strategy batch|per_day   one walk over the range, or one per day (default FETCH_STRATEGY)
  --data-dir DIR             where day files go (default DATA_DIR or ./data)
  --store fs|postgres        files in the data directory, or PostgreSQL (DATABASE_URL, PG*)
  --source SOURCE            telegram (default), simulated, or export:<result.json>
  --tz ZONE                  IANA time zone of the days (default TGFETCH_TZ or UTC)
  --limit N                  at most N messages, the most recent first
  --force                    fetch days that are already complete again
  --include-today            with --days, also fetch today so far
  --json                     print the result event as JSON
`;

export async function fetchCommand(argv: string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(argv, {
    ...COMMAND_FLAGS,
    'data-dir': { type: 'string' },
    store: { type: 'string' },
    source: { type: 'string' },
    json: { type: 'boolean' },
    'env-file': { type: 'string' },
  });
  const config = configFor(
    ctx,
    // Asked of the telegram source only (loadConfig checks which source was chosen).
    { telegram: true },
    { DATA_DIR: flags['data-dir'], TGFETCH_SOURCE: flags.source, STORE: flags.store },
    flags['env-file'],
  );
  const { command } = commandFromFlags(flags, {
    now: Date.now(),
    timeZone: config.TGFETCH_TZ,
    defaultStrategy: config.FETCH_STRATEGY,
  });
  const display = createDisplay(ctx.stderr);
  const opened = await openSource(config.TGFETCH_SOURCE, config);
  const stored = await openStore(config, ctx.cwd).catch(async (error: unknown) => {
    await opened.close();
    throw error;
  });
  const controller = new AbortController();
  const stopSignals = onShutdownSignals({
    first: () => controller.abort(),
    graceMs: config.SHUTDOWN_GRACE_MS,
    exitCode: 130,
  });
  try {
    const result = await runFetch(
      command,
      {
        source: opened.source,
        store: stored.store,
        progress: stored.progress,
        events: display,
        lock: stored.lock,
      },
      {
        signal: controller.signal,
        timeZone: config.TGFETCH_TZ,
        workerId: config.workerId,
        retry: {
          maxFloodWaitSec: config.MAX_FLOOD_WAIT_SEC,
          maxAttempts: config.RETRY_MAX_ATTEMPTS,
        },
        onRetry: (notice) => display.retry(notice),
      },
    ).catch((error: unknown) => {
      if (controller.signal.aborted) return undefined;
      throw error;
    });
    display.stop();
    if (!result) {
      ctx.stderr.write('interrupted: the days already written are complete and kept\n');
      return 130;
    }
    if (flags.json) ctx.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.event === 'completed') {
      const stored = result.days.filter((d) => !d.skipped).length;
      ctx.stdout.write(
        `completed ${result.requested_chat ?? result.chat}: ${result.processed} messages, ${stored} day(s) written, ${result.days.length - stored} already complete, ${result.duration_sec}s\n`,
      );
    } else {
      ctx.stderr.write(`failed ${result.chat}: ${result.error.code}: ${result.error.message}\n`);
    }
    return result.event === 'completed' ? 0 : 1;
  } catch (error) {
    display.stop();
    const info = errorInfo(error);
    ctx.stderr.write(`failed: ${info.code}: ${info.message}\n`);
    return 1;
  } finally {
    await opened.close();
    await stored.close();
    stopSignals();
  }
}
