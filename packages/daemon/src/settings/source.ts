import * as v from 'valibot';
import { parseSourceSpec, SOURCE_SPELLINGS, SOURCES } from '../compose/sources.js';
import { defineGroup, setting } from './group.js';
import { alternatives } from './schemas.js';

/** Where messages come from: one of the sources of `compose/sources.ts`. */
export const sourceGroup = defineGroup({
  name: 'source',
  title: 'Source',
  summary: 'Where messages come from; the source chosen brings in the settings it reads.',
  variables: {
    TGFETCH_SOURCE: setting({
      schema: v.pipe(
        v.string(),
        v.check(
          (spec) => parseSourceSpec(spec) !== undefined,
          `must be ${alternatives(SOURCE_SPELLINGS)}`,
        ),
      ),
      default: 'telegram',
      doc: alternatives(SOURCE_SPELLINGS.map((s) => `\`${s}\``)),
    }),
  },
  requires: () =>
    Object.entries(SOURCES).map(([kind, source], i) => ({
      when: `with \`TGFETCH_SOURCE=${SOURCE_SPELLINGS[i]}\``,
      groups: source.settings,
      applies: (values) =>
        values.TGFETCH_SOURCE !== undefined &&
        parseSourceSpec(values.TGFETCH_SOURCE)?.kind === kind,
    })),
});
