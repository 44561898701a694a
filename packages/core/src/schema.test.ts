import { readFileSync, writeFileSync } from 'node:fs';
import { toJsonSchema } from '@valibot/to-json-schema';
import { describe, expect, it } from 'vitest';
import { FetchCommandInputSchema } from './command-schema.js';
import { FetchEventSchema } from './events.js';
import { TgMessageSchema } from './message-schema.js';

/**
 * The JSON Schemas in `packages/core/schema/` are generated from the valibot schemas, for
 * producers and consumers written in other languages. This test fails when they drift;
 * `UPDATE_SCHEMA=1 pnpm test schema` rewrites them.
 */
function generate(name: string, title: string, schema: Parameters<typeof toJsonSchema>[0]) {
  const json = {
    $id: `https://tgfetch.dev/schema/${name}.json`,
    title,
    ...toJsonSchema(schema, { errorMode: 'ignore', target: 'draft-2020-12' }),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

const schemas = [
  ['command', 'tgfetch fetch command', FetchCommandInputSchema],
  ['event', 'tgfetch event', FetchEventSchema],
  ['message', 'tgfetch message (one entry of a day file)', TgMessageSchema],
] as const;

describe('JSON Schema of the wire contracts', () => {
  it.each(schemas)('schema/%s.json is up to date', (name, title, schema) => {
    const file = new URL(`../schema/${name}.json`, import.meta.url);
    const expected = generate(name, title, schema);
    if (process.env.UPDATE_SCHEMA) writeFileSync(file, expected);
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });
});
