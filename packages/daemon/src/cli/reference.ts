import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { COMMAND_NAMES } from './flags.js';
import { buildProgram, PROGRAM } from './program.js';

export const REFERENCE_START = '<!-- cli-reference:start (generated: pnpm docs:cli) -->';
export const REFERENCE_END = '<!-- cli-reference:end -->';

/**
 * The daemon README's command reference: the general help and each command's help, exactly as
 * `--help` prints them, so that README cannot say something the command line does not do.
 */
export function commandReference(): string {
  const program = buildProgram(silentContext(), { code: 0 });
  const block = (title: string, help: string) =>
    `### \`${title}\`\n\n\`\`\`text\n${help.trimEnd()}\n\`\`\`\n`;
  const pages = [block(`${PROGRAM} --help`, helpOf(program))];
  for (const name of COMMAND_NAMES) {
    const command = program.commands.find((c) => c.name() === name);
    if (command) pages.push(block(`${PROGRAM} ${name} --help`, helpOf(command)));
  }
  return `${REFERENCE_START}\n\n${pages.join('\n')}\n${REFERENCE_END}`;
}

/** What `--help` prints for a command: its help plus the text added after (examples). */
export function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({
    writeOut: (chunk) => {
      text += chunk;
    },
  });
  command.outputHelp();
  return text;
}

function silentContext(): CliContext {
  const ignore = { write: () => true };
  return { env: {}, cwd: '.', stdout: ignore, stderr: ignore };
}
