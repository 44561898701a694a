import {
  type CompletedEvent,
  DeliveryErrorCode,
  type FailedEvent,
  type FetchEvent,
} from '@tgfetch/core';
import type { ConsoleEvents, LoggedEvent } from './ports.js';

/** What the events of one command say so far. */
export interface CommandStory {
  started?: FetchEvent;
  /** The newest `progress` event. */
  progress?: FetchEvent;
  /** The `completed` or `failed` event. */
  final?: FetchEvent;
  /** The newest `failed` event with another code than the dead-lettering one. */
  error?: FetchEvent;
  /** The newest event of any kind. */
  last?: FetchEvent;
}

/** What events say about one day of a chat, beyond what the store holds. */
export interface DayNote {
  /** Why the day was fetched again, or what was moved aside. */
  repair?: string;
  /** The source did not know the day. */
  notCovered?: boolean;
}

export interface EventIndex {
  /** Events read, newest first. */
  events: LoggedEvent[];
  commands: Map<string, CommandStory>;
  /** chat → date → note. */
  days: Map<string, Map<string, DayNote>>;
  /**
   * chat → the name it was last asked for by (`requested_chat`, e.g. `@ru_python`) when that
   * is not its id: nothing stored names a chat by more than its id.
   */
  names: Map<string, string>;
  /** Whether the stream could be read (false: no Redis, or it failed; `problem` says why). */
  available: boolean;
  problem?: string;
}

const POISON = DeliveryErrorCode.POISON_COMMAND;

/** Where one command's story stands, read from its events. */
export interface CommandEnd {
  /** Its `completed` or `failed` event: it ran to an end and will not run again by itself. */
  final?: CompletedEvent | FailedEvent;
  /** It went to the dead letters (and was not run since): a person may still retry it. */
  dead?: FailedEvent;
}

/**
 * The end of a command so far, from its events newest first. An end that a later `started`
 * followed is no end (a dead letter retried, or the same id sent again, runs again under its
 * id), and a dead-lettering `failed` is not final: the command waits for a person there.
 */
export function commandEnd(newestFirst: readonly FetchEvent[]): CommandEnd {
  for (const event of newestFirst) {
    if (event.event === 'started') return {};
    if (event.event === 'completed') return { final: event };
    if (event.event === 'failed')
      return event.error.code === POISON ? { dead: event } : { final: event };
  }
  return {};
}

function note(days: EventIndex['days'], chat: string, date: string): DayNote {
  let chatDays = days.get(chat);
  if (!chatDays) {
    chatDays = new Map();
    days.set(chat, chatDays);
  }
  let n = chatDays.get(date);
  if (!n) {
    n = {};
    chatDays.set(date, n);
  }
  return n;
}

/** Reads the newest `window` events once and indexes them by command and by day. */
export async function indexEvents(
  events: ConsoleEvents | undefined,
  window: number,
): Promise<EventIndex> {
  const index: EventIndex = {
    events: [],
    commands: new Map(),
    days: new Map(),
    names: new Map(),
    available: false,
  };
  if (!events) return index;
  try {
    index.events = await events.recent(window);
    index.available = true;
  } catch (error) {
    index.problem = error instanceof Error ? error.message : String(error);
    return index;
  }
  // Oldest first, so that the newest of each kind wins.
  for (const { event } of [...index.events].reverse()) {
    if (!event) continue;
    const story = index.commands.get(event.command_id) ?? {};
    story.last = event;
    if (event.chat && event.requested_chat && event.requested_chat !== event.chat)
      index.names.set(event.chat, event.requested_chat);
    if (event.event === 'started') story.started = event;
    else if (event.event === 'progress') {
      story.progress = event;
      if (typeof event.repair === 'string')
        note(index.days, event.chat, event.date).repair = event.repair;
      if (event.outcome === 'not_covered')
        note(index.days, event.chat, event.date).notCovered = true;
    } else {
      story.final = event;
      if (event.event === 'failed' && event.error.code !== POISON) story.error = event;
      if (event.event === 'failed' && !story.error) story.error = event;
    }
    index.commands.set(event.command_id, story);
  }
  return index;
}
