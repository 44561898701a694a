import { createClient } from '@redis/client';
import { type Backoff, backoffDelay, type QueueState, type TgfetchError } from '@tgfetch/core';
import type { RedisClientType } from 'redis';
import { configurationError, toRedisError, unavailableError } from './errors.js';
import { replyDeadline } from './reply-deadline.js';

/**
 * The node-redis client this package works with (`createClient()` from `redis`). The clients
 * made here come from `@redis/client`, the same client without the bloom, JSON, search and
 * time-series modules, which nothing here sends: `redis` loads ~280 more files for them, and
 * builds every one of their commands into each client class it makes (a process that opens
 * a connection took ~40% longer to start, and idled ~10 MB bigger).
 */
export type RedisClient = RedisClientType;

/**
 * `unresponsive`: connected, but the health probe got no reply in time (a frozen server).
 * The states of core's `QueueState`, so that a queue reports its connection's.
 */
export type ConnectionState = QueueState;

export interface ConnectionOptions {
  /**
   * `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. Ignored when
   * `client` is given. @default 'redis://127.0.0.1:6379'
   */
  url?: string;
  /**
   * A client of your own to use for plain commands; blocking pops and subscriptions get
   * their own `duplicate()`. It is connected if it is not yet, and never closed by us.
   * @default a client made from `url`
   */
  client?: RedisClient;
  /**
   * How long Redis may stay unreachable (or never reachable, at start) before everything
   * fails with one `REDIS_UNAVAILABLE` error. @default 60_000
   */
  maxOutageMs?: number;
  /** Reconnect backoff: `baseMs * 2^attempt`, capped at `maxMs`, with jitter. @default { baseMs: 100, maxMs: 5_000 } */
  reconnect?: { baseMs?: number; maxMs?: number };
  /** Told of every connection problem, translated to core errors (the fatal one last). @default none */
  onError?: (error: TgfetchError) => void;
  /** [0, 1) source for the jitter. @default Math.random */
  random?: () => number;
  /**
   * Deadline of a health probe (PING) and of the calls that settle work (ack, release,
   * close): a server that takes longer counts as down (its outage clock runs). @default 2_000
   */
  replyTimeoutMs?: number;
  /** How often the main client is probed with PING; 0 turns the probe off. @default 1_000 */
  probeIntervalMs?: number;
}

/**
 * The connections of one queue, sink or producer: a main client for plain commands and
 * dedicated ones for blocking reads and subscriptions, all watched for a long outage.
 */
export interface Connection {
  readonly client: RedisClient;
  state(): ConnectionState;
  /** A new connected client of our own (a blocking pop must not stall plain commands). */
  dedicated(name: string): Promise<RedisClient>;
  /** The fatal error, once the outage limit was passed. */
  failure(): TgfetchError | undefined;
  /** Rejects with the fatal error when the outage limit is passed. */
  readonly failed: Promise<never>;
  /** The error to report for something node-redis threw: the fatal one wins. */
  translate(error: unknown): TgfetchError;
  /** `host:port` of the server (no credentials), for messages. */
  readonly where: string;
  /** `promise`, or a retryable `REDIS_NO_REPLY` error once `replyTimeoutMs` passed. */
  deadline<T>(promise: Promise<T>, what: string): Promise<T>;
  /** Ends the connection for good, here and now (fatal `error` for whoever waits). */
  abandon(error: TgfetchError): void;
  /** Waits for pending commands on the main client, destroys dedicated ones at once. */
  close(): Promise<void>;
}

export async function openConnection(options: ConnectionOptions): Promise<Connection> {
  const maxOutageMs = options.maxOutageMs ?? 60_000;
  const reconnect: Backoff = {
    baseMs: options.reconnect?.baseMs ?? 100,
    maxMs: options.reconnect?.maxMs ?? 5_000,
    jitter: 'equal',
  };
  const random = options.random ?? Math.random;
  const replyTimeoutMs = options.replyTimeoutMs ?? 2_000;
  const probeIntervalMs = options.probeIntervalMs ?? 1_000;
  const where = options.client ? addressOf(options.client) : addressOfUrl(options.url);
  const reconnectStrategy = (retries: number, cause?: unknown) => {
    // Refused credentials or a bad database number: no retry can fix that, fail at once.
    const refused = configurationError(cause, where);
    if (refused) {
      queueMicrotask(() => fail(refused));
      return refused;
    }
    return backoffDelay(retries, reconnect, random);
  };
  const owned = new Set<RedisClient>();
  const watchers: Array<() => void> = [];
  let fatal: TgfetchError | undefined;
  let closed = false;
  let rejectFailed!: (error: TgfetchError) => void;
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  failed.catch(() => {});

  const fail = (cause: unknown) =>
    die(configurationError(cause, where) ?? unavailableError(maxOutageMs, cause, where));
  const die = (error: TgfetchError) => {
    if (fatal || closed) return;
    fatal = error;
    options.onError?.(fatal);
    rejectFailed(fatal);
    for (const client of owned) client.destroy();
  };

  /** Starts the outage clock when a client loses its server, stops it when it is back. */
  const watch = (client: RedisClient) => {
    let timer: NodeJS.Timeout | undefined;
    let lastError: unknown;
    const begin = () => {
      if (timer || fatal || closed) return;
      timer = setTimeout(() => fail(lastError), maxOutageMs);
    };
    const onError = (error: unknown) => {
      lastError = error;
      if (!closed && !fatal) options.onError?.(toRedisError(error, where));
      if (configurationError(error)) fail(error);
      else if (!client.isReady) begin();
    };
    const onReady = () => {
      clearTimeout(timer);
      timer = undefined;
    };
    client.on('error', onError);
    client.on('reconnecting', begin);
    client.on('ready', onReady);
    if (!client.isReady) begin();
    watchers.push(() => {
      clearTimeout(timer);
      client.off('error', onError);
      client.off('reconnecting', begin);
      client.off('ready', onReady);
    });
  };

  const connect = async (client: RedisClient) => {
    watch(client);
    try {
      await Promise.race([client.isOpen ? Promise.resolve() : client.connect(), failed]);
    } catch (error) {
      throw fatal ?? toRedisError(error, where);
    }
    return client;
  };

  const deadline = <T>(promise: Promise<T>, what: string): Promise<T> =>
    replyDeadline(promise, replyTimeoutMs, what, where);

  // A frozen server (SIGSTOP, a stuck host) keeps its sockets open and never answers: only
  // a probe with a deadline notices. Silence runs the same outage clock as a lost socket.
  let silent = false;
  let silentSince: NodeJS.Timeout | undefined;
  let probing = false;
  const probe = async () => {
    if (probing || fatal || closed || !main.isReady) return;
    probing = true;
    try {
      await deadline(main.ping(), 'a health probe (PING)');
      silent = false;
      clearTimeout(silentSince);
      silentSince = undefined;
    } catch (error) {
      if (fatal || closed) return;
      const translated = toRedisError(error, where);
      if (!silent) options.onError?.(translated);
      silent = true;
      silentSince ??= setTimeout(() => fail(translated), maxOutageMs);
    } finally {
      probing = false;
    }
  };
  const prober = probeIntervalMs > 0 ? setInterval(() => void probe(), probeIntervalMs) : undefined;
  prober?.unref();
  const stopProbe = () => {
    clearInterval(prober);
    clearTimeout(silentSince);
  };

  const borrowed = options.client;
  const main =
    borrowed ??
    (createClient({
      url: options.url ?? 'redis://127.0.0.1:6379',
      socket: { reconnectStrategy },
      // node-redis gives every command a 5 s `AbortSignal.timeout` (it only bounds the wait
      // to be written, not the reply). Each lives its 5 s whatever the reply time, so a flood
      // of short commands kept tens of thousands alive: promoted, they grew the old space
      // (~50 MB of RSS over 40,000 rejected commands). The outage clock above bounds that
      // wait instead (the clients are destroyed, failing what waits), and `deadline` the replies.
      commandOptions: { timeout: 0 },
    }) as unknown as RedisClient);
  if (!borrowed) owned.add(main);
  try {
    await connect(main);
  } catch (error) {
    stopProbe();
    for (const stop of watchers) stop();
    for (const client of owned) client.destroy();
    throw error;
  }
  failed.catch(stopProbe);

  return {
    client: main,
    failed,
    failure: () => fatal,
    where,
    deadline,
    abandon: die,
    state() {
      if (fatal) return 'failed';
      if (closed) return 'closed';
      if (silent) return 'unresponsive';
      // Only returned once the main client was ready: anything not ready now is reconnecting.
      return [main, ...owned].every((c) => c.isReady) ? 'ready' : 'reconnecting';
    },
    async dedicated(name) {
      if (fatal) throw fatal;
      const client = main.duplicate({
        name,
        socket: { ...main.options?.socket, reconnectStrategy },
      }) as RedisClient;
      owned.add(client);
      return connect(client);
    },
    translate: (error) => fatal ?? toRedisError(error, where),
    async close() {
      if (closed) return;
      closed = true;
      stopProbe();
      for (const stop of watchers) stop();
      // Errors after close (a destroyed socket) must not reach an 'error'-less emitter.
      for (const client of owned) client.on('error', () => {});
      const dedicated = [...owned].filter((c) => c !== main);
      for (const client of dedicated) if (client.isOpen) client.destroy();
      if (!borrowed && main.isOpen) {
        // close() waits for every pending reply: a silent server would hold it forever.
        if (main.isReady && !silent) await deadline(main.close(), 'QUIT').catch(() => {});
        if (main.isOpen) main.destroy();
      }
    },
  };
}

/** A connection and a dedicated client of its own for blocking reads; neither stays open on failure. */
export async function openBlockingConnection(
  options: ConnectionOptions,
  name: string,
): Promise<{ connection: Connection; blocking: RedisClient }> {
  const connection = await openConnection(options);
  try {
    return { connection, blocking: await connection.dedicated(name) };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

function addressOfUrl(url: string | undefined): string {
  try {
    const u = new URL(url ?? 'redis://127.0.0.1:6379');
    return `${u.hostname || '127.0.0.1'}:${u.port || '6379'}`;
  } catch {
    return 'an invalid REDIS_URL';
  }
}

function addressOf(client: RedisClient): string {
  const socket = client.options?.socket as
    | { host?: string; port?: number; path?: string }
    | undefined;
  if (socket?.path) return socket.path;
  if (socket?.host || socket?.port) return `${socket.host ?? '127.0.0.1'}:${socket.port ?? 6379}`;
  return addressOfUrl(client.options?.url);
}
