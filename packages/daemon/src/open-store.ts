import { resolve } from 'node:path';
import { type CorruptFileNotice, createFsStore, type FsStore } from '@tgfetch/fs-store';
import type { Config } from './config.js';
import type { CliContext } from './context.js';

/**
 * The store of `fetch` and `daemon`: the data directory resolved against the working
 * directory for I/O, shown in events as configured (`DATA_DIR=./data` gives `file_path`
 * `data/ru_python/2025/discussions_2025-11-07.json`), and every corrupt file it sets aside
 * told to `onRepair` so that it is logged (the store itself never logs).
 */
export function openStore(
  config: Config,
  ctx: CliContext,
  onRepair: (notice: CorruptFileNotice) => void,
): FsStore {
  return createFsStore({
    dataDir: resolve(ctx.cwd, config.DATA_DIR),
    displayDir: config.DATA_DIR,
    format: config.DATA_FORMAT,
    onCorruptFile: onRepair,
  });
}
