import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What it takes to address a chat by number. A string session keeps no entity cache, and
 * Telegram only accepts a channel or user id together with its access hash, so every hash
 * the source learns (from resolving a username, from the users and chats that come with
 * each page, from the account's dialogs) is remembered here under the chat's marked id
 * (`-1001234567890`, `42`). Access hashes belong to one account: one cache per account.
 */
export interface CachedPeer {
  accessHash: string;
  /** Lower-case username, when known. */
  username?: string;
  /** A supergroup (it may have been migrated from a basic group). */
  megagroup?: boolean;
  /** A forum: messages outside any topic are in General. */
  forum?: boolean;
}

/** A username resolved with `contacts.ResolveUsername` (strictly rate limited by Telegram). */
export interface CachedUsername {
  /** The marked id the username pointed to. */
  id: string;
  /** Epoch ms of the resolve. */
  resolvedAt: number;
}

export interface PeerCache {
  get(id: string): Promise<CachedPeer | undefined>;
  set(id: string, peer: CachedPeer): Promise<void>;
  /** The last resolve of a lower-case username without `@`. */
  getUsername?(username: string): Promise<CachedUsername | undefined>;
  setUsername?(username: string, entry: CachedUsername): Promise<void>;
  /** Epoch ms of the last full walk of the account's dialogs. */
  getDialogsScannedAt?(): Promise<number | undefined>;
  setDialogsScannedAt?(at: number): Promise<void>;
  close?(): Promise<void>;
}

interface PeerData {
  peers: Map<string, CachedPeer>;
  usernames: Map<string, CachedUsername>;
  dialogsScannedAt?: number;
}

const emptyData = (): PeerData => ({ peers: new Map(), usernames: new Map() });

/** A cache over `PeerData` that calls `changed` after each write that changed something. */
function cacheOver(load: () => Promise<PeerData>, changed: () => Promise<void>): PeerCache {
  return {
    get: async (id) => (await load()).peers.get(id),
    async set(id, peer) {
      const data = await load();
      const old = data.peers.get(id);
      if (old && JSON.stringify(old) === JSON.stringify(peer)) return;
      data.peers.set(id, peer);
      await changed();
    },
    getUsername: async (username) => (await load()).usernames.get(username),
    async setUsername(username, entry) {
      (await load()).usernames.set(username, entry);
      await changed();
    },
    getDialogsScannedAt: async () => (await load()).dialogsScannedAt,
    async setDialogsScannedAt(at) {
      (await load()).dialogsScannedAt = at;
      await changed();
    },
  };
}

/** Remembers for the life of the process. */
export function createMemoryPeerCache(): PeerCache {
  const data = emptyData();
  return cacheOver(
    async () => data,
    async () => undefined,
  );
}

export interface FilePeerCacheOptions {
  /** The JSON file (created on first write; its folder too). */
  file: string;
}

/**
 * A peer cache kept in one JSON file, so that numeric chat ids keep working across restarts
 * and between processes of one account (the daemon and `tgfetch fetch`). Writes are
 * whole-file (temp file + rename) and coalesced: the many entities of one page cost one
 * write, which first takes in what another process wrote meanwhile (two writing at the
 * same instant may still lose one's news, which is then learnt again).
 */
export function createFilePeerCache(options: FilePeerCacheOptions): PeerCache {
  const { file } = options;
  let loaded: Promise<PeerData> | undefined;
  let writing: Promise<void> = Promise.resolve();
  let scheduled: Promise<void> | undefined;

  const load = () => {
    loaded ??= readPeers(file);
    return loaded;
  };
  const write = async () => {
    const data = await load();
    // Another process of the account (the daemon beside a `tgfetch fetch`) may have written
    // since we read: keep what it learnt that we did not.
    const disk = await readPeers(file).catch(() => emptyData());
    for (const [id, peer] of disk.peers) if (!data.peers.has(id)) data.peers.set(id, peer);
    for (const [name, entry] of disk.usernames) {
      const mine = data.usernames.get(name);
      if (!mine || mine.resolvedAt < entry.resolvedAt) data.usernames.set(name, entry);
    }
    const scanned = disk.dialogsScannedAt;
    if (scanned !== undefined && scanned > (data.dialogsScannedAt ?? 0)) {
      data.dialogsScannedAt = scanned;
    }
    const tmp = `${file}.${randomUUID()}.tmp`;
    await mkdir(path.dirname(file), { recursive: true });
    const json = {
      peers: Object.fromEntries(data.peers),
      usernames: Object.fromEntries(data.usernames),
      ...(data.dialogsScannedAt === undefined ? {} : { dialogsScannedAt: data.dialogsScannedAt }),
    };
    await writeFile(tmp, `${JSON.stringify(json, null, 1)}\n`);
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
    ...cacheOver(load, schedule),
    async close() {
      await scheduled;
      await writing;
    },
  };
}

export interface AccountPeerCacheOptions {
  /** The folder of the per-account files (`<account id>.json`). */
  dir: string;
  /** The account's user id (asked once, on first use). */
  account: () => Promise<string>;
}

/**
 * One JSON file per Telegram account in `dir`, chosen on first use by asking whose session
 * this is: access hashes of one account are useless (and refused) on another.
 */
export function createAccountPeerCache(options: AccountPeerCacheOptions): PeerCache {
  let inner: Promise<PeerCache> | undefined;
  /** The account's cache once open: only that has anything to flush. */
  let opened: PeerCache | undefined;
  const open = () => {
    inner ??= options.account().then((id) => {
      if (!/^\d+$/.test(id)) throw new Error(`Not a Telegram account id: ${id}`);
      opened = createFilePeerCache({ file: path.join(options.dir, `${id}.json`) });
      return opened;
    });
    inner.catch(() => {
      inner = undefined;
    });
    return inner;
  };
  return {
    get: async (id) => (await open()).get(id),
    set: async (id, peer) => (await open()).set(id, peer),
    getUsername: async (username) => (await open()).getUsername?.(username),
    setUsername: async (username, entry) => (await open()).setUsername?.(username, entry),
    getDialogsScannedAt: async () => (await open()).getDialogsScannedAt?.(),
    setDialogsScannedAt: async (at) => (await open()).setDialogsScannedAt?.(at),
    // Never waits for the account to be known: with Telegram unreachable that wait would
    // hold the process after a signal, and a cache never opened holds nothing to flush.
    async close() {
      await opened?.close?.();
    },
  };
}

async function readPeers(file: string): Promise<PeerData> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyData();
    throw error;
  }
  const data = emptyData();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A damaged cache only costs re-resolving; it must not stop a fetch.
    return data;
  }
  if (!isRecord(json)) return data;
  // The first format held the peers at the top level.
  const peers = isRecord(json.peers) ? json.peers : json;
  for (const [id, value] of Object.entries(peers)) {
    const peer = readPeer(value);
    if (peer && /^-?\d+$/.test(id)) data.peers.set(id, peer);
  }
  if (isRecord(json.usernames)) {
    for (const [name, value] of Object.entries(json.usernames)) {
      if (!isRecord(value)) continue;
      const { id, resolvedAt } = value;
      if (typeof id === 'string' && /^-?\d+$/.test(id) && typeof resolvedAt === 'number') {
        data.usernames.set(name, { id, resolvedAt });
      }
    }
  }
  if (typeof json.dialogsScannedAt === 'number') data.dialogsScannedAt = json.dialogsScannedAt;
  return data;
}

function readPeer(value: unknown): CachedPeer | undefined {
  if (!isRecord(value)) return undefined;
  const { accessHash, username, megagroup, forum } = value;
  if (typeof accessHash !== 'string' || !/^-?\d+$/.test(accessHash)) return undefined;
  const peer: CachedPeer = { accessHash };
  if (typeof username === 'string') peer.username = username;
  if (megagroup === true) peer.megagroup = true;
  if (forum === true) peer.forum = true;
  return peer;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
