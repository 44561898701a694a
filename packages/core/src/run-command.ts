import { systemClock } from './clock.js';
import { type ParseOptions, parseCommand } from './command.js';
import { type FetchOutcome, type FetchPorts, type RunOptions, runFetch } from './engine.js';
import { errorInfo, toTgfetchError } from './errors.js';
import type { FailedEvent } from './events.js';

/** `parseCommand` then `runFetch`; a rejected command gets its `failed` event here. */
export async function runCommand(
  input: unknown,
  ports: FetchPorts,
  options: RunOptions & Pick<ParseOptions, 'newId'> = {},
): Promise<FetchOutcome> {
  const clock = options.clock ?? systemClock;
  const parsed = parseCommand(input, {
    now: clock.now(),
    timeZone: options.timeZone ?? 'UTC',
    ...(options.newId ? { newId: options.newId } : {}),
  });
  if (parsed.ok) return runFetch(parsed.command, ports, options);
  const { rejected, error } = parsed;
  const event: FailedEvent = {
    event: 'failed',
    status: 'failed',
    command_id: rejected.command_id,
    chat: rejected.chat,
    mode: rejected.mode,
    params: rejected.params,
    processed: 0,
    errors: 1,
    duration_sec: 0,
    ts: new Date(clock.now()).toISOString(),
    worker_id: options.workerId ?? 'embedded',
    error: errorInfo(error),
  };
  // As in `runFetch`: a sink that fails rejects the command with its error (see `EventSink`).
  await ports.events.publish(event).catch((error: unknown) => {
    throw toTgfetchError(error);
  });
  return event;
}
