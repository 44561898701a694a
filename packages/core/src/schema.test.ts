import { readFileSync, writeFileSync } from 'node:fs';
import { toJsonSchema } from '@valibot/to-json-schema';
import { describe, expect, it } from 'vitest';
import { COMMAND_SCHEMA_DEFINITIONS } from './command-schema.js';
import { CommandWireSchema } from './command-wire-schema.js';
import { CORE_ERROR_CODES } from './error-codes.js';
import { WireEventSchema } from './events.js';
import {
  DayFileSchema,
  DayJsonlHeaderSchema,
  MessageSchema,
  ProgressFileSchema,
} from './file-schemas.js';
import { LegacyEventSchema } from './legacy-event-schema.js';
import { EVENT_SCHEMA_DEFINITIONS } from './message-events.js';

/**
 * The JSON Schemas in `packages/core/schema/` are generated from the valibot schemas, for
 * producers and consumers written in other languages. This test fails when they drift;
 * `UPDATE_SCHEMA=1 pnpm test schema` rewrites them.
 */
function generate(
  name: string,
  title: string,
  schema: Parameters<typeof toJsonSchema>[0],
  definitions?: Record<string, Parameters<typeof toJsonSchema>[0]>,
) {
  const json = {
    $id: `https://tgfetch.dev/schema/${name}.json`,
    title,
    ...toJsonSchema(schema, {
      errorMode: 'ignore',
      target: 'draft-2020-12',
      ...(definitions ? { definitions } : {}),
    }),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

const SCHEMAS = [
  ['command', 'tgfetch command', CommandWireSchema, COMMAND_SCHEMA_DEFINITIONS],
  ['event', 'tgfetch event', WireEventSchema, EVENT_SCHEMA_DEFINITIONS],
  ['legacy-event', 'tgfetch legacy event (before v1)', LegacyEventSchema, undefined],
  ['day', 'tgfetch day file (json format)', DayFileSchema, undefined],
  [
    'day-jsonl-header',
    'tgfetch day file, jsonl format: first line',
    DayJsonlHeaderSchema,
    undefined,
  ],
  ['message', 'tgfetch message', MessageSchema, undefined],
  ['progress', 'tgfetch progress.json', ProgressFileSchema, undefined],
] as const;

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`../schema/${name}.json`, import.meta.url), 'utf8'));

describe('JSON Schema of the wire contracts', () => {
  it.each(SCHEMAS)('schema/%s.json is up to date', (name, title, schema, definitions) => {
    const file = new URL(`../schema/${name}.json`, import.meta.url);
    const expected = generate(name, title, schema, definitions);
    if (process.env.UPDATE_SCHEMA) writeFileSync(file, expected);
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });

  it('types counts as integers and dates as formats, and describes the fields', () => {
    const text = JSON.stringify(read('event'));
    expect(text).not.toMatch(/"(processed|errors|count|days)":\{"type":"number"/);
    const started = read('event').oneOf[0];
    expect(started.properties.processed).toMatchObject({ type: 'integer', minimum: 0 });
    expect(started.properties.ts).toMatchObject({ type: 'string', format: 'date-time' });
    expect(started.properties.dates.items).toMatchObject({ format: 'date' });
    expect(started.properties.command_id.description).toMatch(/producer's own/);
    const day = read('day');
    expect(day.properties.count.type).toBe('integer');
    expect(day.properties.messages.items.properties.id.type).toBe('integer');
    expect(read('progress').properties.days.additionalProperties.properties.count.type).toBe(
      'integer',
    );
  });

  it('has the days_back form before v1 and names what JSON Schema cannot state', () => {
    const command = read('command');
    const legacy = command.anyOf.find((s: { properties: object }) => 'days_back' in s.properties);
    expect(legacy.properties.days_back).toMatchObject({ type: 'integer', minimum: 1 });
    expect(legacy.required).not.toContain('mode');
    for (const rule of [
      'FUTURE_DATE',
      'INVALID_RANGE',
      'PAYLOAD_TOO_LARGE',
      'PAYLOAD_TOO_DEEP',
      'INEXACT_NUMBER',
      'INVALID_ENCODING',
    ]) {
      expect(command.description).toContain(rule);
    }
  });

  it('has follow and unfollow with the fields every command has, and no fetch field', () => {
    const command = read('command');
    const fetch = command.anyOf.find(
      (s: { properties: { mode?: { const: string } } }) => s.properties.mode?.const === 'date',
    );
    for (const name of ['follow', 'unfollow']) {
      const form = command.anyOf.find(
        (s: { properties: { command: { const: string } } }) => s.properties.command.const === name,
      );
      expect(form.required).toEqual(['command', 'chat']);
      expect(Object.keys(form.properties).sort()).toEqual(
        ['chat', 'command', 'command_id', 'requested_by', 'timestamp'].sort(),
      );
      for (const field of ['chat', 'command_id', 'requested_by', 'timestamp']) {
        expect(form.properties[field], field).toEqual(fetch.properties[field]);
      }
      expect(form).not.toHaveProperty('additionalProperties');
    }
  });

  it('has the events of live changes, their message the one of message.json', () => {
    const event = read('event');
    const names = event.oneOf.map((s: { properties: { event: { const: string } } }) => {
      return s.properties.event.const;
    });
    expect(names).toEqual([
      'started',
      'progress',
      'completed',
      'failed',
      'message',
      'message_edited',
      'message_deleted',
      'scheduled',
    ]);
    for (const form of event.oneOf.slice(4, 7)) {
      expect(form.properties.message).toEqual({ $ref: '#/$defs/Message' });
      expect(form.required).toEqual(
        expect.arrayContaining(['chat', 'time_zone', 'date', 'id', 'ts', 'worker_id']),
      );
      expect(form.required).not.toContain('message');
      expect(form.description).toContain('65536 bytes');
    }
    const { $id, title, $schema, ...message } = read('message');
    expect(event.$defs.Message).toEqual(message);
  });

  it('has the schedule command beside the others, and its scheduled event', () => {
    const command = read('command');
    const actions = command.anyOf
      .filter(
        (s: { properties: { command: { const?: string } } }) =>
          s.properties.command.const === 'schedule',
      )
      .map((s: { properties: { action: { const?: string; enum?: string[] } } }) =>
        s.properties.action.const === undefined
          ? s.properties.action.enum
          : [s.properties.action.const],
      );
    expect(actions.flat().sort()).toEqual(['add', 'pause', 'remove', 'resume']);
    for (const code of ['SCHEDULE_INVALID_TRIGGER', 'SCHEDULE_INVALID_CRON']) {
      expect(command.description).toContain(code);
    }
    const scheduled = read('event').oneOf.find(
      (s: { properties: { event: { const: string } } }) => s.properties.event.const === 'scheduled',
    );
    expect(scheduled.required).toEqual(
      expect.arrayContaining(['schedule', 'tick', 'command_ids', 'chats', 'ts', 'worker_id']),
    );
    expect(scheduled.properties.tick).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it("lists core's own error codes with their meaning in the event schema, and accepts others", () => {
    const failed = read('event').oneOf.find(
      (s: { properties: { event: { const: string } } }) => s.properties.event.const === 'failed',
    );
    const codes = failed.properties.error.properties.code;
    for (const { code, meaning } of CORE_ERROR_CODES) {
      expect(codes.anyOf).toContainEqual(
        expect.objectContaining({ const: code, description: expect.stringContaining(meaning) }),
      );
    }
    // An adapter's codes reach events too: the code stays an open string.
    expect(codes).toMatchObject({ type: 'string' });
    expect(codes).not.toHaveProperty('enum');
    expect(codes).not.toHaveProperty('pattern');
    expect(codes.anyOf.filter((c: object) => !('const' in c))).toHaveLength(1);
  });
});
