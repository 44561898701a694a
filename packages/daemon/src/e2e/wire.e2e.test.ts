import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, redisCli } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueNames } from '../testing/cli-process.js';
import { daemonEnv, daemonPool } from '../testing/daemon-process.js';

/**
 * The wire contract as a service in another language meets it: two built daemons, one per
 * queue mode, commands pushed with redis-cli (RPUSH and XADD, in every documented form),
 * every event heard checked against the published `event.json`, every Redis key checked
 * against the table of docs/wire-contract.md.
 */

type Json = Record<string, unknown>;

const schemaDir = new URL('../../../core/schema/', import.meta.url);
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
let validateEvent: ReturnType<typeof ajv.compile>;

let redis: RedisTestContext;
let dir: string;
const pool = daemonPool();
const raw: string[] = [];
let unsubscribe: () => Promise<void>;
const names = {
  list: { queue: '', channel: '', stream: '', chat: '' },
  stream: { queue: '', channel: '', stream: '', chat: '' },
};

beforeAll(async () => {
  validateEvent = ajv.compile(JSON.parse(await readFile(new URL('event.json', schemaDir), 'utf8')));
  redis = await redisTestContext();
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-wire-'));
  const base = uniqueNames(redis.prefix);
  names.list = { ...base, queue: `${redis.prefix}l:commands`, chat: `${base.chat}_l` };
  names.stream = { ...base, queue: `${redis.prefix}s:commands`, chat: `${base.chat}_s` };
  const sub = redis.client.duplicate();
  await sub.connect();
  await sub.subscribe(base.channel, (message) => {
    raw.push(message);
  });
  unsubscribe = async () => {
    await sub.close();
  };
  for (const mode of ['list', 'stream'] as const) {
    await pool.start(
      daemonEnv({
        url: redis.url,
        names: names[mode],
        dataDir: path.join(dir, mode),
        workerId: `wire-${mode}`,
        extra: { QUEUE_MODE: mode },
      }),
      dir,
    );
  }
});

afterAll(async () => {
  await pool.killAll();
  await unsubscribe?.();
  await redis?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const events = () => raw.map((text) => JSON.parse(text) as Json);
const of = (id: string) => events().filter((e) => e.command_id === id);
const final = (id: string) =>
  eventually(() => of(id).find((e) => e.event === 'completed' || e.event === 'failed'), {
    timeoutMs: 15_000,
    what: `the end of command ${id}`,
  });

/** `redis-cli -x`: the last argument is read from stdin, byte for byte. */
async function redisCliBytes(bytes: Buffer, ...args: string[]): Promise<string> {
  const proc = spawn('redis-cli', ['-u', redis.url, '-x', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  proc.stdin.end(bytes);
  const code = await new Promise<number | null>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('close', resolve);
  });
  expect(code).toBe(0);
  return out.trim();
}

const rpush = (text: string) => redisCli(redis.url, 'RPUSH', names.list.queue, text);
const xadd = (...fields: string[]) =>
  redisCli(redis.url, 'XADD', names.stream.queue, '*', ...fields);

describe('list mode, commands pushed with redis-cli RPUSH', () => {
  it('runs the older days_back command, and one without days_back as one day', async () => {
    await rpush(
      JSON.stringify({
        command: 'fetch',
        chat: names.list.chat,
        days_back: 1,
        limit: 100,
        strategy: 'auto',
        timestamp: '2025-11-08T05:55:48.276372',
        requested_by: 'user_123',
        command_id: 'l-seed',
      }),
    );
    await rpush(
      JSON.stringify({ command: 'fetch', chat: names.list.chat, command_id: 'l-nodays' }),
    );
    for (const id of ['l-seed', 'l-nodays']) {
      expect(await final(id)).toMatchObject({
        event: 'completed',
        mode: 'days',
        params: { days: 1 },
      });
      expect(of(id).find((e) => e.event === 'started')?.dates).toHaveLength(1);
    }
  });

  it('answers rejected commands under the id the producer sent, with what parsed', async () => {
    await rpush(
      JSON.stringify({
        command: 'fetch',
        command_id: 'has space',
        chat: 'T.me/Some_Chat',
        mode: 'week',
      }),
    );
    expect(await final('has space')).toMatchObject({
      event: 'failed',
      chat: '@some_chat',
      mode: null,
      params: {},
      error: { code: 'UNKNOWN_MODE', retryable: false },
    });
    await rpush(
      `{"command":"fetch","command_id":"l-big","chat":-1009007199254740993,"mode":"days","days":2}`,
    );
    const big = await final('l-big');
    expect(big).toMatchObject({ chat: null, mode: 'days', params: { days: 2 } });
    expect(big.error).toMatchObject({ code: 'INEXACT_NUMBER' });
    expect(String((big.error as Json).message)).toMatch(/send it as a string/);
    await rpush(
      `{"command_id":"l-deep","command":"fetch","chat":"@x_y","mode":${'['.repeat(4100)}${']'.repeat(4100)}}`,
    );
    expect((await final('l-deep')).error).toMatchObject({ code: 'PAYLOAD_TOO_DEEP' });
    const longTz = { command: 'fetch', command_id: 'l-tz', chat: '@x_y', mode: 'days', days: 1 };
    await rpush(JSON.stringify({ ...longTz, options: { tz: 'Z'.repeat(60_000) } }));
    const tz = await final('l-tz');
    expect(tz.error).toMatchObject({ code: 'INVALID_TIME_ZONE' });
    expect(JSON.stringify(tz).length).toBeLessThan(2_000);
  });

  it('rejects a payload that is not UTF-8 with INVALID_ENCODING instead of running it', async () => {
    const failed = await pushNotUtf8(names.list.chat, 'RPUSH', names.list.queue);
    expect(String((failed.error as Json).message)).toMatch(/UTF-8/);
  });
});

/**
 * Pushes a command with a Latin-1 é (byte 0xE9) through `redis-cli -x <args> <bytes>`;
 * resolves with its `failed` event, once sure nothing completed instead.
 */
async function pushNotUtf8(chat: string, ...args: string[]): Promise<Json> {
  const seen = raw.length;
  const payload = Buffer.concat([
    Buffer.from(`{"command":"fetch","chat":"${chat}","command_id":"caf`),
    Buffer.from([0xe9]),
    Buffer.from('","mode":"days","days":1}'),
  ]);
  await redisCliBytes(payload, ...args);
  const failed = await eventually(
    () =>
      events()
        .slice(seen)
        .find((e) => (e.error as Json | undefined)?.code === 'INVALID_ENCODING'),
    { timeoutMs: 15_000, what: 'the INVALID_ENCODING event' },
  );
  expect(
    events()
      .slice(seen)
      .some((e) => e.event === 'completed'),
  ).toBe(false);
  return failed;
}

describe('stream mode, commands pushed with redis-cli XADD', () => {
  it('runs flat fields (numbers as strings), JSON in field payload, and the older days_back form', async () => {
    await xadd(
      'command',
      'fetch',
      'chat',
      `@${names.stream.chat}`,
      'mode',
      'days',
      'days',
      '2',
      'command_id',
      's-flat',
    );
    await xadd(
      'payload',
      JSON.stringify({
        command: 'fetch',
        chat: names.stream.chat,
        mode: 'days',
        days: 1,
        command_id: 's-json',
      }),
    );
    await xadd(
      'command',
      'fetch',
      'chat',
      names.stream.chat,
      'days_back',
      '1',
      'command_id',
      's-seed',
    );
    expect(await final('s-flat')).toMatchObject({ event: 'completed', params: { days: 2 } });
    expect(await final('s-json')).toMatchObject({ event: 'completed', params: { days: 1 } });
    expect(await final('s-seed')).toMatchObject({ event: 'completed', params: { days: 1 } });
  });

  it('rejects an entry that is not UTF-8 with INVALID_ENCODING', async () => {
    await pushNotUtf8(names.stream.chat, 'XADD', names.stream.queue, '*', 'payload');
  });

  it('answers a bad flat entry with failed under its command_id', async () => {
    await xadd(
      'command',
      'fetch',
      'chat',
      '@x_y',
      'mode',
      'days',
      'days',
      'three',
      'command_id',
      's-bad',
    );
    expect(await final('s-bad')).toMatchObject({
      event: 'failed',
      chat: '@x_y',
      mode: 'days',
      error: { code: 'INVALID_TYPE' },
    });
  });
});

describe('the published contract', () => {
  it('every event heard passes event.json', () => {
    expect(raw.length).toBeGreaterThan(10);
    for (const text of raw) {
      const ok = validateEvent(JSON.parse(text));
      expect(ok, `${text.slice(0, 300)}\n${JSON.stringify(validateEvent.errors)}`).toBe(true);
    }
  });

  it('every event heard passes event.json in Python too, when python3 has jsonschema', () => {
    // Without python3 or jsonschema there is no second validator to compare with.
    if (spawnSync('python3', ['-c', 'import jsonschema']).status !== 0) return;
    const script = `
import json, sys
from jsonschema import Draft202012Validator, FormatChecker
v = Draft202012Validator(json.load(open(sys.argv[1])), format_checker=FormatChecker())
print(json.dumps([e.message for text in json.load(sys.stdin) for e in v.iter_errors(json.loads(text))]))
`;
    const run = spawnSync(
      'python3',
      ['-c', script, fileURLToPath(new URL('event.json', schemaDir))],
      {
        input: JSON.stringify(raw),
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([]);
  });

  it('every Redis key either daemon made is in the table of docs/wire-contract.md', async () => {
    const page = await readFile(
      fileURLToPath(new URL('../../../../docs/wire-contract.md', import.meta.url)),
      'utf8',
    );
    const from = page.indexOf('\n## Redis keys\n');
    const to = page.indexOf('\n## Pushing commands\n');
    expect(from).toBeGreaterThan(0);
    expect(to).toBeGreaterThan(from);
    const section = page.slice(from, to);
    const documented = new Set(
      section
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .map((l) => {
          const [key, mode] = l
            .slice(1)
            .split('|')
            .map((c) => c.trim());
          return `${mode}:${key?.replaceAll('`', '')}`;
        }),
    );
    const keys: string[] = [];
    for await (const batch of redis.client.scanIterator({
      MATCH: `${redis.prefix}*`,
      COUNT: 500,
    })) {
      keys.push(...batch);
    }
    const spelled = keys.map((key) => {
      const mode = key.startsWith(names.list.queue)
        ? 'list'
        : key.startsWith(names.stream.queue)
          ? 'stream'
          : 'both';
      const generic = key
        .replace(names.list.queue, 'tg_commands')
        .replace(names.stream.queue, 'tg_commands')
        .replace(names.list.stream, 'tg_events:stream')
        .replace(/wire-(list|stream)$/, '<workerId>');
      return `${mode}:${generic}`;
    });
    for (const key of spelled) expect(documented, key).toContain(key);
    // The stream mode's queue is a stream under the one name (an emptied list is gone).
    expect(await redis.client.type(names.stream.queue)).toBe('stream');
    expect(spelled).toEqual(
      expect.arrayContaining([
        'list:tg_commands:workers',
        'list:tg_commands:heartbeat:<workerId>',
        'both:tg_events:stream',
        'stream:tg_commands',
      ]),
    );
  });
});
