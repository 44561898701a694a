import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromFile, Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { parseWireCommand } from './command.js';
import { WIRE_COMMANDS } from './command-schema.js';
import { parseWireEvent } from './events.js';
import { MESSAGE_EVENT_NAMES } from './message-events.js';

/**
 * `schema/asyncapi.yaml` (published with the package) is a valid AsyncAPI 3.0 document of
 * every channel, and its messages point at the generated JSON Schemas next to it.
 */

const file = fileURLToPath(new URL('../schema/asyncapi.yaml', import.meta.url));
const schemaTitle = (name: string) =>
  JSON.parse(readFileSync(new URL(`../schema/${name}.json`, import.meta.url), 'utf8')).title;

describe('AsyncAPI document', () => {
  it('parses and validates with the AsyncAPI parser, every $ref resolved', async () => {
    const { document, diagnostics } = await fromFile(new Parser(), file).parse();
    // Severity 0 is an error, 1 a warning; 2 and 3 are hints (such as "3.1.0 exists").
    const problems = diagnostics.filter((d) => d.severity <= 1);
    expect(problems.map((d) => `${d.code} ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');

    const channels = new Map(
      document
        ?.channels()
        .all()
        .map((c) => [c.id(), c.address()]),
    );
    expect(Object.fromEntries(channels)).toEqual({
      commandList: 'tg_commands',
      commandStream: 'tg_commands',
      deadLetters: 'tg_commands:dead',
      events: 'tg_events',
      eventsStream: 'tg_events:stream',
      legacyEvents: 'tg_events',
      messagesStream: 'tg_messages',
      messagesDeadLetters: 'tg_messages:dead',
    });

    const payloadTitle = (channel: string, message: string) =>
      document?.channels().get(channel)?.messages().get(message)?.payload()?.title();
    expect(payloadTitle('commandList', 'command')).toBe(schemaTitle('command'));
    expect(payloadTitle('events', 'event')).toBe(schemaTitle('event'));
    expect(payloadTitle('legacyEvents', 'legacyEvent')).toBe(schemaTitle('legacy-event'));
    expect(payloadTitle('deadLetters', 'deadCommand')).toBe(schemaTitle('command'));
    expect(
      document?.channels().get('commandStream')?.messages().get('commandEntry')?.payload()?.oneOf()
        ?.length,
    ).toBe(2);
    expect(document?.operations().all().length).toBe(9);

    // Every command and every event name is in the document, as in the schemas.
    const entryEvents = document
      ?.channels()
      .get('eventsStream')
      ?.messages()
      .get('eventEntry')
      ?.payload()
      ?.properties()
      ?.event?.enum();
    expect(entryEvents).toEqual([
      ...['started', 'progress', 'completed', 'failed'],
      ...MESSAGE_EVENT_NAMES,
      'scheduled',
    ]);
    const flat = document
      ?.channels()
      .get('commandStream')
      ?.messages()
      .get('commandEntry')
      ?.payload()
      ?.oneOf()?.[1]
      ?.properties()
      ?.command?.enum();
    expect(flat).toEqual([...WIRE_COMMANDS]);
    const examples = document?.channels().get('commandList')?.messages().get('command')?.examples();
    for (const example of examples?.all() ?? []) {
      expect(parseWireCommand(example.payload()).ok, example.name()).toBe(true);
    }
    expect(examples?.all().map((e) => (e.payload() as { command: string }).command)).toEqual(
      expect.arrayContaining([...WIRE_COMMANDS]),
    );
    const events = document?.channels().get('events')?.messages().get('event')?.examples();
    for (const example of events?.all() ?? []) {
      expect(parseWireEvent(example.payload()), example.name()).toBeDefined();
    }

    // The messages stream as its writer writes it (redis-transport's MESSAGES_STREAM_FIELDS,
    // whose test reads this document back).
    const entry = document?.channels().get('messagesStream')?.messages().get('messageEntry');
    expect(Object.keys(entry?.payload()?.properties() ?? {})).toEqual([
      'change',
      'chat',
      'time_zone',
      'date',
      'id',
      'message',
    ]);
    expect(entry?.payload()?.properties()?.change?.enum()).toEqual(['new', 'edited', 'deleted']);
  });

  it('is published with @tgfetch/core next to the JSON Schemas', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.files).toContain('schema');
    expect(pkg.exports['./schema/*']).toBe('./schema/*');
  });
});
