import { type CommandIssue, issue } from './command-issue.js';
import { MAX_COMMAND_BYTES, MAX_COMMAND_DEPTH } from './command-schema.js';
import { inspectJsonText } from './json-text.js';

/** Reading a command's bytes or value into JSON, within the bounds of every command. */

/**
 * A command as handed in, or the issue that stops it before any field is read, with what
 * of its top level could still be read (`identity`), so that its `failed` event still finds
 * its sender.
 */
export type Decoded =
  | { value: unknown }
  | { issue: CommandIssue; identity?: Record<string, unknown> };

/**
 * Text and bytes are bounded (size, UTF-8, depth, exact numbers) before anything parses
 * them; an object handed in by code is bounded by its depth and its JSON size.
 */
export function decodeCommand(input: unknown): Decoded {
  let text: string | undefined;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) {
    if (input.byteLength > MAX_COMMAND_BYTES) return { issue: tooLarge(input.byteLength) };
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return {
        issue: issue(
          'INVALID_ENCODING',
          '',
          'the command is not valid UTF-8 (JSON text must be UTF-8, RFC 8259 section 8.1)',
        ),
        ...idOfBrokenText(input),
      };
    }
  }
  if (text === undefined) {
    if (tooDeep(input, MAX_COMMAND_DEPTH)) return { issue: deep() };
    let size: number;
    try {
      size = byteLength(JSON.stringify(input) ?? '');
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return {
        issue: issue('NOT_AN_OBJECT', '', `the command cannot be serialised as JSON: ${why}`),
      };
    }
    return size > MAX_COMMAND_BYTES ? { issue: tooLarge(size) } : { value: input };
  }
  const size = byteLength(text);
  if (size > MAX_COMMAND_BYTES) return { issue: tooLarge(size) };
  const problem = inspectJsonText(text, MAX_COMMAND_DEPTH);
  if (problem?.kind === 'too_deep') return { issue: deep(), ...identityOf(text) };
  if (problem?.kind === 'inexact_number') {
    const message = `${problem.literal} cannot be held exactly by a JSON number (a double); send it as a string`;
    const found = identityOf(text);
    // A rounded number is another value: never echo it as if it had been sent.
    if (found.identity && problem.path === 'chat') delete found.identity.chat;
    return { issue: issue('INEXACT_NUMBER', problem.path, message), ...found };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { issue: issue('INVALID_JSON', '', `the command is not valid JSON: ${why}`) };
  }
}

/**
 * The top-level fields of a command rejected before its checks (too deep, an inexact
 * number), so its `failed` event still carries the producer's `command_id`. `JSON.parse`
 * is iterative and the size is bounded; nothing recursive touches the nested value.
 */
function identityOf(text: string): { identity?: Record<string, unknown> } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { identity: { ...(value as Record<string, unknown>) } };
    }
  } catch {
    // Not JSON either: nothing to tell.
  }
  return {};
}

/**
 * The producer's `command_id` of a command that is not UTF-8, so that its `failed` event
 * still reaches the producer: read from a lenient decoding, and only when the id itself
 * decoded cleanly (nothing else of such a command is echoed).
 */
function idOfBrokenText(bytes: Uint8Array): { identity?: Record<string, unknown> } {
  const { identity } = identityOf(new TextDecoder('utf-8').decode(bytes));
  const id = identity?.command_id;
  return typeof id === 'string' && !id.includes('\uFFFD') ? { identity: { command_id: id } } : {};
}

/** True when `value` nests deeper than `max` (walked without recursion, so never throws). */
function tooDeep(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  let visited = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    // Anything this large is over the size limit anyway; JSON.stringify says so next.
    if (++visited > MAX_COMMAND_BYTES) return false;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

function deep(): CommandIssue {
  return issue(
    'PAYLOAD_TOO_DEEP',
    '',
    `the command nests objects or arrays more than ${MAX_COMMAND_DEPTH} levels deep`,
  );
}

function tooLarge(size: number): CommandIssue {
  return issue(
    'PAYLOAD_TOO_LARGE',
    '',
    `the command is ${size} bytes; at most ${MAX_COMMAND_BYTES} are accepted`,
  );
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
