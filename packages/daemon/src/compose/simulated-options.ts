import type { SimulatedSourceOptions } from '@tgfetch/telegram/testing';
import * as v from 'valibot';
import { ConfigError } from '../settings/config-error.js';

/**
 * The simulated Telegram's options for `--source simulated`, from `TGFETCH_SIM` (JSON) in
 * the process environment: a demo or a test (the e2e tests, the chaos suite) slows it down
 * or injects flood waits and faults into a real daemon with it. It is no setting of a
 * production daemon, so it is not in the configuration schema (nor read from `.env`):
 * the simulated source checks its own options here.
 */

const count = (min: number) => v.pipe(v.number(), v.integer(), v.minValue(min));
const usernames = v.array(v.string());
const share = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
/** An unknown key is a misspelt option: say so rather than valibot's "Expected never". */
const known = (issue: v.BaseIssue<unknown>) =>
  issue.expected === 'never' ? 'is not an option of the simulated Telegram' : 'must be an object';

const FAULTS = [
  'TIMEOUT',
  'DISCONNECT',
  'INTERNAL',
  'AUTH_KEY_UNREGISTERED',
  'SESSION_REVOKED',
  'USER_DEACTIVATED',
  'AUTH_KEY_DUPLICATED',
  'CHANNEL_PRIVATE',
  'CHANNEL_INVALID',
  'PEER_ID_INVALID',
  'USERNAME_NOT_OCCUPIED',
] as const;

const fault = v.union(
  [
    v.picklist(FAULTS),
    v.custom<`FLOOD_WAIT_${number}`>((s) => typeof s === 'string' && /^FLOOD_WAIT_\d+$/.test(s)),
    v.custom<`TAKEOUT_INIT_DELAY_${number}`>(
      (s) => typeof s === 'string' && /^TAKEOUT_INIT_DELAY_\d+$/.test(s),
    ),
  ],
  `must be one of ${FAULTS.join(', ')}, FLOOD_WAIT_<s> or TAKEOUT_INIT_DELAY_<s>`,
);

/** What of `SimulatedSourceOptions` a JSON text can say (no clock, hooks or caches). */
export const SimulatedOptionsSchema = v.strictObject(
  {
    seed: v.exactOptional(v.number()),
    now: v.exactOptional(v.number()),
    historyDays: v.exactOptional(count(1)),
    messagesPerDay: v.exactOptional(v.pipe(v.number(), v.minValue(0))),
    rateLimit: v.exactOptional(
      v.strictObject(
        {
          requestsPerSecond: v.pipe(v.number(), v.gtValue(0)),
          burst: count(1),
          penaltySec: v.exactOptional(v.pipe(v.number(), v.minValue(0))),
        },
        known,
      ),
    ),
    faults: v.exactOptional(
      v.strictObject(
        {
          every: count(1),
          error: fault,
          times: v.exactOptional(count(0)),
          methods: v.exactOptional(v.array(v.string())),
        },
        known,
      ),
    ),
    shortPages: v.exactOptional(v.boolean()),
    maxPageSize: v.exactOptional(v.pipe(count(1), v.maxValue(100))),
    latencyMs: v.exactOptional(v.pipe(v.number(), v.minValue(0))),
    missingUsernames: v.exactOptional(usernames),
    privateChats: v.exactOptional(usernames),
    dialogs: v.exactOptional(usernames),
    takeoutDelaySec: v.exactOptional(count(0)),
    /** Broadcast channels (usernames) that get a linked discussion group with comments. */
    discussions: v.exactOptional(usernames),
    live: v.exactOptional(
      v.strictObject(
        {
          eventsPerSecond: v.exactOptional(v.pipe(v.number(), v.gtValue(0))),
          editShare: v.exactOptional(share),
          deleteShare: v.exactOptional(share),
          dropRatio: v.exactOptional(share),
          silentChats: v.exactOptional(usernames),
          tooLongAfter: v.exactOptional(count(1)),
          timeoutSec: v.exactOptional(count(1)),
          startWhenFollowed: v.exactOptional(v.boolean()),
          shared: v.exactOptional(
            v.strictObject(
              {
                anchorMs: v.exactOptional(v.pipe(v.number(), v.integer())),
                autoDeleteSec: v.exactOptional(count(0)),
              },
              known,
            ),
          ),
          timeline: v.exactOptional(
            v.strictObject(
              {
                epochMs: v.pipe(v.number(), v.integer()),
                chats: v.pipe(usernames, v.minLength(1)),
                untilMs: v.exactOptional(v.pipe(v.number(), v.integer())),
              },
              known,
            ),
          ),
        },
        known,
      ),
    ),
  },
  known,
);

/** `TGFETCH_SIM` checked: the options, or a `ConfigError` naming every problem (exit code 2). */
export function simulatedOptions(
  env: Record<string, string | undefined> = process.env,
): SimulatedSourceOptions {
  const text = env.TGFETCH_SIM;
  if (text === undefined || text === '') return {};
  const json = parseObject(text);
  if (json === undefined) throw new ConfigError(['TGFETCH_SIM must be a JSON object']);
  const parsed = v.safeParse(SimulatedOptionsSchema, json, { abortEarly: false });
  if (!parsed.success) {
    throw new ConfigError(
      parsed.issues.map((issue) => {
        const at = (issue.path ?? []).map((p) => String(p.key)).join('.');
        return `TGFETCH_SIM${at ? `.${at}` : ''}: ${issue.message}`;
      }),
    );
  }
  const { discussions, ...rest } = parsed.output;
  if (!discussions) return rest;
  const linked = new Set(discussions.map((name) => name.replace(/^@/, '').toLowerCase()));
  return { ...rest, discussions: (username) => linked.has(username.toLowerCase()) };
}

function parseObject(text: string): object | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
