import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { captureContext } from '../testing/capture.js';
import { COMMANDS } from './commands.js';
import {
  COMMAND_NAMES,
  type CommandName,
  FLAGS,
  type FlagName,
  type FlagSpec,
  flagsOf,
} from './flags.js';
import { buildProgram } from './program.js';
import { commandReference, helpOf, REFERENCE_END, REFERENCE_START } from './reference.js';

/**
 * The parser, each command's help and the daemon README's reference come from one definition
 * (`FLAGS` + `COMMANDS`): these tests fail as soon as any of them says something the others
 * do not.
 */

/** The program with every action replaced by one that records what the parser produced. */
function parsingProgram() {
  const ctx = captureContext({ cwd: '.' });
  const program = buildProgram(ctx, { code: 0 });
  const seen: { command?: string; values?: Record<string, unknown>; args?: string[] } = {};
  for (const command of program.commands) {
    command.action((...params: unknown[]) => {
      const self = params.at(-1) as Command;
      Object.assign(seen, { command: self.name(), values: self.opts(), args: self.args });
    });
  }
  const parse = async (argv: string[]) => {
    delete seen.command;
    await program.parseAsync(argv, { from: 'user' });
    return { ...seen };
  };
  return { program, parse, ctx };
}

const sampleValue = (name: FlagName) => {
  const spec: FlagSpec = FLAGS[name];
  if (!spec.flags.includes('<')) return [];
  return [spec.choices?.[0] ?? 'x'];
};
const longOf = (name: FlagName) => /--[a-z-]+/.exec(FLAGS[name].flags)?.[0] ?? '';

describe('one definition for parser, help and README', () => {
  it('each command help lists exactly the flags its parser accepts, with env and default', () => {
    const { program } = parsingProgram();
    for (const name of COMMAND_NAMES) {
      const command = program.commands.find((c) => c.name() === name);
      expect(command, name).toBeDefined();
      const help = helpOf(command as Command);
      const listed = new Set(
        [...help.slice(help.indexOf('Options:')).matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map(
          (m) => m[1],
        ),
      );
      const accepted = new Set([...flagsOf(name).map(longOf), '--help']);
      expect([...listed].sort(), name).toEqual([...accepted].sort());
      for (const flag of flagsOf(name)) {
        const spec: FlagSpec = FLAGS[flag];
        const flat = help.replace(/\s+/g, ' ');
        if (spec.env) expect(flat, `${name} ${flag}`).toContain(`env: ${spec.env}`);
      }
      expect(help).toContain('Examples:');
      for (const example of COMMANDS[name].examples) expect(help).toContain(example);
    }
  });

  it('the parser takes each flag for the commands that list it and refuses it elsewhere', async () => {
    for (const name of COMMAND_NAMES) {
      const positional = COMMANDS[name].arguments ? ['@x'] : [];
      for (const flag of Object.keys(FLAGS) as FlagName[]) {
        const { parse } = parsingProgram();
        const argv = [name, ...positional, longOf(flag), ...sampleValue(flag)];
        const takes = (FLAGS[flag].commands as readonly CommandName[]).includes(name);
        // Two entries may share a spelling (listen's --chat filter): judge by spelling.
        const spelled = flagsOf(name).some((f) => longOf(f) === longOf(flag));
        if (takes || spelled)
          await expect(parse(argv), argv.join(' ')).resolves.toMatchObject({ command: name });
        else
          await expect(parse(argv), argv.join(' ')).rejects.toMatchObject({
            code: 'commander.unknownOption',
          });
      }
    }
  });

  it("the daemon README's command reference is the help itself", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const from = readme.indexOf(REFERENCE_START);
    const to = readme.indexOf(REFERENCE_END) + REFERENCE_END.length;
    expect(from, 'markers in packages/daemon/README.md').toBeGreaterThanOrEqual(0);
    // On a mismatch: `pnpm docs:cli` rewrites the section.
    expect(readme.slice(from, to)).toBe(commandReference());
  });
});

describe('parsing', () => {
  it('takes negative numeric ids as values, with the long and the short flag', async () => {
    const { parse } = parsingProgram();
    for (const argv of [
      ['send', '--chat', '-1001878264527', '--days', '1'],
      ['send', '-c', '-1001878264527', '-n', '1'],
      ['fetch', '--chat=-1001878264527', '--days', '1'],
    ]) {
      expect((await parse(argv)).values).toMatchObject({ chat: '-1001878264527' });
    }
    expect((await parse(['resolve', '-1001878264527'])).args).toEqual(['-1001878264527']);
  });

  it('has short flags for the common ones', async () => {
    const { parse } = parsingProgram();
    const parsed = await parse([
      'fetch',
      '-c',
      '@x',
      '-n',
      '3',
      '-f',
      '-j',
      '-o',
      'out',
      '-l',
      '9',
    ]);
    expect(parsed.values).toEqual({
      chat: '@x',
      days: '3',
      force: true,
      json: true,
      dataDir: 'out',
      limit: '9',
    });
  });

  it('suggests the flag or command meant', async () => {
    const flag = parsingProgram();
    await expect(flag.parse(['fetch', '--chta', 'x'])).rejects.toMatchObject({ exitCode: 1 });
    expect(flag.ctx.err()).toContain('(Did you mean --chat?)');
    const command = parsingProgram();
    await expect(command.parse(['fecth'])).rejects.toMatchObject({ exitCode: 1 });
    expect(command.ctx.err()).toContain('(Did you mean fetch?)');
  });

  it('refuses a value outside the choices', async () => {
    const { parse, ctx } = parsingProgram();
    await expect(parse(['send', '-c', 'x', '-n', '1', '--strategy', 'fast'])).rejects.toThrow();
    expect(ctx.err()).toContain('Allowed choices are batch, per_day');
  });
});
