import { isTimeZone } from '@tgfetch/core';
import { invalidExport, openExport, streamFile } from './file-io.js';
import { createWallClock } from './local-time.js';
import { createScanTokenizer, type ExportChatInfo } from './scan.js';

export interface ListExportChatsOptions {
  /** Zone of the naive dates of pre-2021 exports (see `ExportSourceOptions.timeZone`). @default 'UTC' */
  timeZone?: string;
  /** Bytes read at a time. @default 65536 */
  chunkSize?: number;
}

/**
 * The chats of an export with their ids, names and message counts: one chat for a
 * single-chat export, every chat of `chats.list` and `left_chats.list` for a full one.
 * Reads the whole file once; holds one chat's index at a time.
 */
export async function listExportChats(
  file: string,
  options: ListExportChatsOptions = {},
): Promise<ExportChatInfo[]> {
  const timeZone = options.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) throw new TypeError(`Unknown time zone "${timeZone}"`);
  const handle = await openExport(file);
  try {
    const scan = createScanTokenizer({ wallClock: createWallClock(timeZone), keep: () => false });
    try {
      await streamFile(handle, scan.tokenizer, options.chunkSize ?? 65_536);
      return scan.finish().chats;
    } catch (error) {
      throw await invalidExport(handle, file, error);
    }
  } finally {
    await handle.close();
  }
}
