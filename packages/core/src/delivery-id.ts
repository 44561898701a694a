import { createHash } from 'node:crypto';

/**
 * The key a payload's deliveries are counted under (see `Delivery.id`): `id:<command_id>`
 * when the payload carries one, else `sha1:<hex of the payload>`.
 */
export function deliveryKey(payload: string): string {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value === 'object' && value !== null && 'command_id' in value) {
      const id = value.command_id;
      if (typeof id === 'string' && id.length > 0 && id.length <= 128) return `id:${id}`;
    }
  } catch {
    // Not JSON: still counted, by content.
  }
  return `sha1:${createHash('sha1').update(payload).digest('hex')}`;
}

/**
 * The `command_id` of a command that carries none, the same at every delivery of it (so a
 * re-run after a crash finishes under the id its `started` announced): a UUID-shaped
 * digest of the delivery key.
 */
export function stableCommandId(deliveryId: string): string {
  const hex = createHash('sha256').update(`tgfetch:${deliveryId}`).digest('hex');
  // Version 8 (custom) and the RFC 4122 variant, so that it parses as a UUID.
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
