import { systemClock } from './clock.js';
import {
  type FollowCommand,
  type HandledCommand,
  type ParseOptions,
  parseWireCommand,
  type UnfollowCommand,
  unsupportedCommand,
} from './command.js';
import { type FetchOutcome, type FetchPorts, type RunOptions, runFetch } from './engine.js';
import { toTgfetchError } from './errors.js';
import { type FailedEventInit, failedEvent } from './events.js';
import type { ScheduleCommand } from './schedule-command.js';

/**
 * Who runs the commands other than fetch (the daemon's set of followed chats, its schedule
 * store). A handler resolves once the command is done, and publishes its own events (a
 * refusal that trying again cannot change is a `failed` event, and resolves); it rejects as
 * `runFetch` does (a `CHAT_BUSY` error puts the command back after a while, `ABORTED`
 * returns it uncounted, anything else counts as a failed delivery). `signal` aborts on a
 * hard stop.
 */
export interface CommandHandlers {
  follow?: (command: FollowCommand, signal: AbortSignal) => Promise<void>;
  unfollow?: (command: UnfollowCommand, signal: AbortSignal) => Promise<void>;
  schedule?: (command: ScheduleCommand, signal: AbortSignal) => Promise<void>;
}

export interface RunCommandOptions extends RunOptions, Pick<ParseOptions, 'newId'> {
  /**
   * Runs follow, unfollow and schedule. A command without its handler is failed with
   * `COMMAND_UNSUPPORTED` (a `failed` event), so a worker that runs fetches only answers
   * it and moves on. @default none
   */
  handlers?: CommandHandlers;
}

/**
 * Parses any command and runs it: a fetch with `runFetch`, follow, unfollow and schedule
 * with their handler; a rejected command gets its `failed` event here. Resolves with the fetch's
 * outcome or the `failed` event, or `undefined` when a handler ran the command.
 */
export function runCommand(
  input: unknown,
  ports: FetchPorts,
  options?: RunOptions & Pick<ParseOptions, 'newId'> & { handlers?: undefined },
): Promise<FetchOutcome>;
export function runCommand(
  input: unknown,
  ports: FetchPorts,
  options: RunCommandOptions,
): Promise<FetchOutcome | undefined>;
export async function runCommand(
  input: unknown,
  ports: FetchPorts,
  options: Omit<RunCommandOptions, 'handlers'> & { handlers?: CommandHandlers | undefined } = {},
): Promise<FetchOutcome | undefined> {
  const clock = options.clock ?? systemClock;
  const parsed = parseWireCommand(input, {
    now: clock.now(),
    timeZone: options.timeZone ?? 'UTC',
    ...(options.newId ? { newId: options.newId } : {}),
  });
  if (!parsed.ok) return publishFailed({ ...parsed.rejected, error: parsed.error }, ports, options);
  const { command } = parsed;
  if (command.command === 'fetch') return runFetch(command, ports, options);
  if (await runHandler(command, options.handlers, options.signal)) return undefined;
  const refused = unsupportedCommand(command, 'this worker runs no handler for it');
  return publishFailed({ ...refused.rejected, error: refused.error }, ports, options);
}

/** Runs the command's handler; false when there is none. */
async function runHandler(
  command: HandledCommand,
  handlers: CommandHandlers | undefined,
  given: AbortSignal | undefined,
): Promise<boolean> {
  const signal = given ?? new AbortController().signal;
  if (command.command === 'follow' && handlers?.follow) await handlers.follow(command, signal);
  else if (command.command === 'unfollow' && handlers?.unfollow) {
    await handlers.unfollow(command, signal);
  } else if (command.command === 'schedule' && handlers?.schedule) {
    await handlers.schedule(command, signal);
  } else return false;
  return true;
}

async function publishFailed(
  init: Pick<FailedEventInit, 'command_id' | 'chat' | 'mode' | 'params' | 'command' | 'error'>,
  ports: FetchPorts,
  options: Pick<RunOptions, 'clock' | 'workerId'>,
): Promise<FetchOutcome> {
  const event = failedEvent({
    ...init,
    errors: 1,
    ts: new Date((options.clock ?? systemClock).now()).toISOString(),
    worker_id: options.workerId ?? 'embedded',
  });
  // As in `runFetch`: a sink that fails rejects the command with its error (see `EventSink`).
  await ports.events.publish(event).catch((error: unknown) => {
    throw toTgfetchError(error);
  });
  return event;
}
