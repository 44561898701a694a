import { systemClock } from './clock.js';
import { type ParseOptions, parseCommand } from './command.js';
import { type FetchOutcome, type FetchPorts, type RunOptions, runFetch } from './engine.js';
import { toTgfetchError } from './errors.js';
import { failedEvent } from './events.js';

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
  const event = failedEvent({
    ...parsed.rejected,
    error: parsed.error,
    errors: 1,
    ts: new Date(clock.now()).toISOString(),
    worker_id: options.workerId ?? 'embedded',
  });
  // As in `runFetch`: a sink that fails rejects the command with its error (see `EventSink`).
  await ports.events.publish(event).catch((error: unknown) => {
    throw toTgfetchError(error);
  });
  return event;
}
