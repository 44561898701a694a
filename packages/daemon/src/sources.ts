import type { MessageSource } from '@tgfetch/core';
import type { Config } from './config.js';

export interface OpenedSource {
  source: MessageSource;
  kind: 'telegram' | 'simulated' | 'export';
  close(): Promise<void>;
}

/**
 * Builds the source named by `--source` / `TGFETCH_SOURCE`. Each is imported only when
 * chosen: reading an export never loads gramjs, and the simulated Telegram is not loaded by
 * a production daemon.
 */
export async function openSource(
  spec: string,
  config: Config,
  hooks: { onFloodWait?: (seconds: number) => void } = {},
): Promise<OpenedSource> {
  if (spec.startsWith('export:')) {
    const { createExportSource } = await import('@tgfetch/telegram/export');
    const source = createExportSource({
      file: spec.slice('export:'.length),
      timeZone: config.TGFETCH_TZ,
    });
    return { source, kind: 'export', close: () => source.close() };
  }
  if (spec === 'simulated') {
    const { createSimulatedSource } = await import('@tgfetch/telegram/testing');
    const latencyMs = config.TGFETCH_SIM_LATENCY_MS;
    const source = createSimulatedSource({
      ...(latencyMs > 0 ? { latencyMs } : {}),
      ...config.TGFETCH_SIM,
    });
    return { source, kind: 'simulated', close: () => source.close() };
  }
  if (spec !== 'telegram')
    throw new Error(`unknown source "${spec}": use telegram, simulated or export:<result.json>`);
  const { createTelegramClientSource } = await import('@tgfetch/telegram');
  const source = createTelegramClientSource({
    apiId: config.TELEGRAM_API_ID ?? 0,
    apiHash: config.TELEGRAM_API_HASH ?? '',
    session: config.TELEGRAM_SESSION ?? '',
    takeout: config.TELEGRAM_TAKEOUT,
    ...(hooks.onFloodWait
      ? { onFloodWait: (n: { seconds: number }) => hooks.onFloodWait?.(n.seconds) }
      : {}),
  });
  return { source, kind: 'telegram', close: () => source.close() };
}
