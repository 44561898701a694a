import { createVirtualClock } from './clock.js';
import { type FetchCommand, parseCommand } from './command.js';
import type { FetchPorts } from './engine.js';
import { createMemoryEventSink } from './memory/events.js';
import { createMemorySource, type MemorySourceOptions } from './memory/source.js';
import { createMemoryProgress, createMemoryStore } from './memory/store.js';
import type { TgMessage } from './message.js';

/** Test support for the engine's tests (not exported): in-memory ports in virtual time. */

/** A parsed command for `chat` at `now`, or a throw. */
export function commandFor(
  chat: string,
  now: number,
  input: Record<string, unknown>,
): FetchCommand {
  const result = parseCommand({ command: 'fetch', chat, command_id: 'c1', ...input }, { now });
  if (!result.ok) throw result.error;
  return result.command;
}

/** A memory source holding `messages` of `chat`, memory store, progress and events. */
export function memoryPorts(
  chat: string,
  messages: TgMessage[],
  now: number,
  sourceOptions: MemorySourceOptions = {},
) {
  const source = createMemorySource({ [chat]: messages }, sourceOptions);
  const store = createMemoryStore();
  const progress = createMemoryProgress();
  const events = createMemoryEventSink();
  const clock = createVirtualClock(now);
  const ports: FetchPorts = { source, store, progress, events };
  return {
    source,
    store,
    progress,
    events,
    clock,
    ports,
    options: { clock, workerId: 'w-test', random: () => 0.5 },
  };
}
