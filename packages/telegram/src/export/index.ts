/**
 * `@tgfetch/telegram/export`: Telegram Desktop's JSON export (`result.json`) as a
 * `MessageSource`. This entry point never loads gramjs.
 */
export {
  EXPORT_ERROR_CODES,
  ExportError,
  ExportErrorCode,
  type ExportPosition,
} from './errors.js';
export { type ListExportChatsOptions, listExportChats } from './list-chats.js';
export type { ExportChatInfo } from './scan.js';
export {
  createExportSource,
  type ExportSource,
  type ExportSourceInfo,
  type ExportSourceOptions,
} from './source.js';
