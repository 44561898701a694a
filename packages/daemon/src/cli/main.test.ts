import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  accountExport,
  exportMessage,
  simulatedFolder,
  writeExport,
} from '@tgfetch/telegram/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureContext } from '../testing/capture.js';
import { EXIT_MEANINGS } from './exit-codes.js';
import { helpText, main } from './main.js';

/** `main` in-process, with its outputs captured: help, usage, exit codes. */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-main-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = async (argv: string[], env: Record<string, string> = {}) => {
  const ctx = captureContext({ cwd: dir, env });
  const code = await main(argv, ctx);
  return { code, out: ctx.out(), err: ctx.err() };
};

describe('main', () => {
  it('prints help: exit 0 when asked, 2 when no command was given', async () => {
    const HELP = helpText(captureContext({ cwd: dir }));
    expect(await run(['--help'])).toEqual({ code: 0, out: HELP, err: '' });
    expect(await run(['help'])).toMatchObject({ code: 0, out: HELP });
    expect(await run([])).toEqual({ code: 2, out: HELP, err: '' });
    for (const name of ['fetch', 'send', 'listen', 'daemon', 'login', 'chats', 'resolve'])
      expect(HELP).toMatch(new RegExp(`^  ${name} `, 'm'));
    for (const [code, meaning] of EXIT_MEANINGS) expect(HELP).toContain(`${code}  ${meaning}`);
  });

  it("each command's --help is its own: send's lists --wait and not --source", async () => {
    const send = await run(['send', '--help']);
    expect(send.code).toBe(0);
    expect(send.out).toMatch(/^Usage: tgfetch send/);
    expect(send.out).toContain('--wait');
    expect(send.out).not.toContain('--source');
    expect((await run(['help', 'login'])).out).toContain('--phone <number>');
  });

  it('prints the version: --version, -V and version', async () => {
    for (const argv of [['--version'], ['-V'], ['version']])
      expect(await run(argv)).toEqual({ code: 0, out: 'dev\n', err: '' });
  });

  it('rejects an unknown command with exit 2 and a suggestion', async () => {
    const result = await run(['fecth']);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toContain("unknown command 'fecth'");
    expect(result.err).toContain('(Did you mean fetch?)');
  });

  it('reports usage mistakes with exit 2 and the help hint', async () => {
    const result = await run(['fetch', '--chat', 'x', '--dayz', '2']);
    expect(result.code).toBe(2);
    expect(result.err).toContain("unknown option '--dayz'");
    expect(result.err).toContain('(Did you mean --days?)');
    expect(result.err).toContain('Run `tgfetch fetch --help` for its flags.');
  });

  it('reports configuration problems with exit 2', async () => {
    const result = await run(['send', '--chat', 'x', '--days', '1'], { QUEUE_MODE: 'kafka' });
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      'tgfetch: invalid configuration:\n  - QUEUE_MODE must be list or stream\n',
    );
  });

  it('login without API credentials is a configuration error', async () => {
    const result = await run(['login']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('TELEGRAM_API_ID is required to use Telegram');
    expect(result.err).toContain('TELEGRAM_API_HASH is required to use Telegram');
  });

  it('fetch: exit 0 with a summary line; exit 1 when the command fails', async () => {
    const ok = await run([
      'fetch',
      '--source',
      'simulated',
      '--chat',
      'inproc',
      '--days',
      '1',
      '--data-dir',
      'd',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(
      /^completed @inproc: \d+ messages in 1 day\(s\) written, 0 already complete, [\d.]+s\n/,
    );
    expect(ok.out).toContain(`  files in     ${path.join('d', simulatedFolder('inproc'))}\n`);
    expect(ok.out).toMatch(/^ {2}written {6}\d{4}-\d{2}-\d{2} \(\d+\)$/m);

    const failed = await run([
      'fetch',
      '--source',
      'export:missing.json',
      '--chat',
      'x',
      '--days',
      '1',
    ]);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/failed.*: [A-Z_]+: /);
  });

  it('the summary says what was skipped, and what --limit cut or left unreached', async () => {
    const args = ['fetch', '--source', 'simulated', '--chat', 'sums', '--days', '4', '-o', 'd'];
    const first = await run([...args, '--limit', '5']);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^ {2}cut by limit \d{4}-\d{2}-\d{2} \(\d+ of the day's newest\)$/m);
    expect(first.out).toMatch(/^ {2}not reached {2}\d{4}-\d{2}-\d{2}.*\(--limit 5\)$/m);
    const full = await run(args);
    const rerun = await run(args);
    expect(full.code).toBe(0);
    expect(rerun.out).toMatch(/^ {2}skipped {6}(\d{4}-\d{2}-\d{2} \(already complete\)(, )?){4}$/m);
  });

  it('chats --source export: lists each chat with the --chat and days to fetch it', async () => {
    const day = (date: string, hour: number) => Date.parse(`${date}T${hour}:00:00Z`) / 1000;
    const messages = (first: number) =>
      [day('2024-03-01', 10), day('2024-03-02', 11), day('2024-03-04', 12)].map((unix, i) =>
        exportMessage({ id: first + i, unix }),
      );
    const file = await writeExport(
      dir,
      accountExport([
        { name: 'Python chat', type: 'public_supergroup', id: 1878264527, messages: messages(1) },
        { name: 'Notes', type: 'private_channel', id: 555, messages: messages(10) },
      ]),
    );
    const listed = await run(['chats', '--source', `export:${file}`]);
    expect(listed.code).toBe(0);
    const row = listed.out.split('\n').find((l) => l.includes('Python chat')) ?? '';
    expect(row).toMatch(
      /^-1001878264527 +supergroup +3 +--from 2024-03-01 --to 2024-03-04 +Python chat$/,
    );
    const json = JSON.parse((await run(['chats', '--source', `export:${file}`, '--json'])).out);
    expect(json).toHaveLength(2);
    // The printed --chat and days, pasted into fetch, fetch that chat.
    const [chat, , , , from, , to] = row.split(/ +/);
    const fetched = await run([
      'fetch',
      '--source',
      `export:${file}`,
      '-c',
      chat!,
      '--from',
      from!,
      '--to',
      to!,
      '-o',
      'imp',
      '--json',
    ]);
    expect(fetched.code, fetched.err + fetched.out).toBe(0);
    expect(JSON.parse(fetched.out)).toMatchObject({ chat: '-1001878264527', processed: 3 });
  });

  it('a one-shot fetch runs with bad Redis and daemon settings in .env; send does not', async () => {
    await writeFile(
      path.join(dir, '.env'),
      'REDIS_URL=http://nope\nLOG_LEVEL=loud\nFETCH_CONCURRENCY=many\nTGFETCH_SOURCE=simulated\n',
    );
    const fetched = await run(['fetch', '--chat', 'envy', '--days', '1']);
    expect(fetched.code, fetched.err).toBe(0);
    const sent = await run(['send', '--chat', 'envy', '--days', '1']);
    expect(sent.code).toBe(2);
    expect(sent.err).toContain('REDIS_URL must start with redis://');
    expect(sent.err).not.toContain('LOG_LEVEL');
  });
});
