import { defineScript, type Script } from './script.js';

/**
 * The scripts of a key held by whoever knows its value (a token): a chat lock's, a lease's.
 * Only the holder extends or deletes it, so a holder whose key expired and was taken by
 * another never touches the new holder's.
 */

/** `KEYS[1]`, `ARGV[1]` the token, `ARGV[2]` a ttl in ms: 1 if extended, 0 if not ours. */
export const renewTokenScript: Script = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`);

/** `KEYS[1]`, `ARGV[1]` the token: 1 if deleted, 0 if not ours. */
export const releaseTokenScript: Script = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);
