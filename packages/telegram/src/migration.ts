import { Api } from 'telegram';
import type { Invoke } from './entities.js';

/** The basic group a supergroup was upgraded from, and its last message id there. */
export interface Migration {
  chatId: Api.long;
  maxId: number;
}

/**
 * Asks `channels.GetFullChannel` whether a supergroup was migrated from a basic group. Its
 * history before the upgrade stays in that group (ids up to `migrated_from_max_id`, which
 * overlap the supergroup's own ids), so a fetch reaching back past the supergroup's first
 * message must read it there.
 */
export async function migrationOf(
  channel: Api.InputPeerChannel,
  invoke: Invoke,
): Promise<Migration | undefined> {
  const full = await invoke(
    new Api.channels.GetFullChannel({
      channel: new Api.InputChannel({
        channelId: channel.channelId,
        accessHash: channel.accessHash,
      }),
    }),
  );
  const info = full.fullChat;
  if (!(info instanceof Api.ChannelFull) || !info.migratedFromChatId) return undefined;
  return { chatId: info.migratedFromChatId, maxId: info.migratedFromMaxId ?? 0 };
}
