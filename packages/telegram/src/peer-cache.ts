import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What it takes to address a chat by number. A string session keeps no entity cache, and
 * Telegram only accepts a channel or user id together with its access hash, so every hash
 * the source learns (from resolving a username, or from the users and chats that come with
 * each page) is remembered here under the chat's marked id (`-1001234567890`, `42`).
 */
export interface CachedPeer {
  accessHash: string;
  /** Lower-case username, when known. */
  username?: string;
}

export interface PeerCache {
  get(id: string): Promise<CachedPeer | undefined>;
  set(id: string, peer: CachedPeer): Promise<void>;
  close?(): Promise<void>;
}

/** The default: remembers for the life of the process. */
export function createMemoryPeerCache(): PeerCache {
  const peers = new Map<string, CachedPeer>();
  return {
    get: async (id) => peers.get(id),
    async set(id, peer) {
      peers.set(id, peer);
    },
  };
}

export interface FilePeerCacheOptions {
  /** The JSON file (created on first write; its folder too). */
  file: string;
}

/**
 * A peer cache kept in one JSON file (`{"<id>": {"accessHash": "…"}}`), so that numeric
 * chat ids keep working across restarts. Writes are whole-file (temp file + rename) and
 * coalesced: the many entities of one page cost one write.
 */
export function createFilePeerCache(options: FilePeerCacheOptions): PeerCache {
  const { file } = options;
  let loaded: Promise<Map<string, CachedPeer>> | undefined;
  let writing: Promise<void> = Promise.resolve();
  let scheduled: Promise<void> | undefined;

  const load = () => {
    loaded ??= readPeers(file);
    return loaded;
  };
  const write = async () => {
    const peers = await load();
    const tmp = `${file}.${randomUUID()}.tmp`;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, `${JSON.stringify(Object.fromEntries(peers), null, 1)}\n`);
    await rename(tmp, file);
  };
  const schedule = () => {
    scheduled ??= Promise.resolve().then(() => {
      scheduled = undefined;
      writing = writing.then(write, write);
      return writing;
    });
    return scheduled;
  };

  return {
    async get(id) {
      return (await load()).get(id);
    },
    async set(id, peer) {
      const peers = await load();
      const old = peers.get(id);
      if (old && old.accessHash === peer.accessHash && old.username === peer.username) return;
      peers.set(id, peer);
      await schedule();
    },
    async close() {
      await scheduled;
      await writing;
    },
  };
}

async function readPeers(file: string): Promise<Map<string, CachedPeer>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const peers = new Map<string, CachedPeer>();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // A damaged cache only costs re-resolving by username; it must not stop a fetch.
    return peers;
  }
  if (typeof data !== 'object' || data === null) return peers;
  for (const [id, value] of Object.entries(data)) {
    const hash = (value as { accessHash?: unknown } | null)?.accessHash;
    const username = (value as { username?: unknown } | null)?.username;
    if (typeof hash !== 'string' || !/^-?\d+$/.test(hash)) continue;
    peers.set(
      id,
      typeof username === 'string' ? { accessHash: hash, username } : { accessHash: hash },
    );
  }
  return peers;
}
