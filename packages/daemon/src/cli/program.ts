import tab from '@bomb.sh/tab/commander';
import { Command, Option } from 'commander';
import { VERSION } from '../process/version.js';
import { variableNamed } from '../settings/index.js';
import { COMMANDS, type CommandSpec } from './commands.js';
import type { CliContext } from './context.js';
import { exitCodeTable } from './exit-codes.js';
import {
  COMMAND_NAMES,
  type CommandName,
  FLAGS,
  type FlagName,
  type FlagSpec,
  flagsOf,
} from './flags.js';

export const PROGRAM = 'tgfetch';

/** Where a run's exit code lands: commander calls actions, not return values. */
export interface RunResult {
  code: number;
}

/**
 * The commander program built from `FLAGS` and `COMMANDS`: the parser, every help page and
 * completion come from it. Output goes to the context's streams; nothing exits the process.
 */
export function buildProgram(ctx: CliContext, result: RunResult): Command {
  const program = new Command(PROGRAM)
    .description('Fetch Telegram chat history day by day, on command.')
    .usage('<command> [flags]')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show the help of a command')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
    })
    .showSuggestionAfterError(true)
    // A fixed width: help reads the same on every terminal and in the daemon README.
    .configureHelp({ helpWidth: 100 })
    .addHelpText(
      'after',
      `
Settings come from the environment and ./.env (the environment wins); a flag wins over both.
Run \`${PROGRAM} <command> --help\` for a command's flags and examples.

Exit codes:
${exitCodeTable()}
`,
    );
  for (const name of COMMAND_NAMES) addCommand(program, name, COMMANDS[name], ctx, result);
  // Shell completion from the same program: `completion bash|zsh|fish` prints the script,
  // which calls back the hidden `complete -- <words>`. The library prints with console.log
  // (see `main`).
  tab(program, { completionCommandName: 'completion' });
  program.commands
    .find((c) => c.name() === 'completion')
    ?.description('print the shell completion script (bash, zsh, fish or powershell)')
    .addHelpText(
      'after',
      `\nExamples:\n  ${PROGRAM} completion bash >> ~/.bashrc\n  ${PROGRAM} completion fish > ~/.config/fish/completions/${PROGRAM}.fish\n`,
    );
  return program;
}

/** A command of any name: its flags are checked against its own name in `COMMANDS`. */
type AnyCommandSpec = Omit<CommandSpec<CommandName>, 'run'> & {
  run: (flags: never, ctx: CliContext, args: string[]) => Promise<number>;
};

function addCommand(
  program: Command,
  name: CommandName,
  spec: AnyCommandSpec,
  ctx: CliContext,
  result: RunResult,
): void {
  const command = program
    .command(name)
    .summary(spec.summary)
    .description(spec.description)
    .showHelpAfterError(`Run \`${PROGRAM} ${name} --help\` for its flags.`);
  for (const [spelling, help] of spec.arguments ?? []) command.argument(spelling, help);
  const options = flagsOf(name).map((flag) => [flag, flagOption(flag)] as const);
  for (const [, option] of options) command.addOption(option);
  command.addHelpText(
    'after',
    `\nExamples:\n${spec.examples.map((example) => `  ${example}`).join('\n')}\n`,
  );
  command.action(async (...params: unknown[]) => {
    const self = params.at(-1) as Command;
    const values = self.opts();
    const flags: Record<string, unknown> = {};
    for (const [flag, option] of options) {
      const value = values[option.attributeName()];
      if (value !== undefined) flags[flag] = value;
    }
    result.code = await spec.run(flags as never, ctx, self.args);
  });
}

/** One flag as commander's option, its help saying the setting it overrides and the default. */
export function flagOption(name: FlagName): Option {
  const spec: FlagSpec = FLAGS[name];
  const notes: string[] = [];
  if (spec.env) notes.push(`env: ${spec.env}`);
  const fallback = spec.default ?? (spec.env ? settingDefault(spec.env) : undefined);
  if (fallback !== undefined) notes.push(`default: ${fallback}`);
  const option = new Option(
    spec.flags,
    notes.length > 0 ? `${spec.help} (${notes.join(', ')})` : spec.help,
  );
  if (spec.choices) option.choices(spec.choices);
  return option;
}

/** A setting's default as its group has it (none when it is found at start). */
function settingDefault(name: string): string | undefined {
  const fallback = variableNamed(name)?.default;
  return typeof fallback === 'string' ? fallback : undefined;
}
