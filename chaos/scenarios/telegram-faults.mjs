// Telegram misbehaving, injected into the daemon's simulated Telegram through TGFETCH_SIM:
// flood-wait bursts from a token bucket (honoured, then the command completes), waits above
// MAX_FLOOD_WAIT_SEC (failed, retryable), timeouts and dropped connections (retried with
// backoff, then completed), and a revoked session (failed at once with AUTH_FAILED).
import { openScenario } from '../lib/harness.mjs';

export const name = 'telegram';

const HISTORY = ['messages.GetHistory'];

const CASES = [
  {
    name: 'tg-flood-burst',
    sim: { rateLimit: { requestsPerSecond: 6, burst: 2 }, maxPageSize: 10, latencyMs: 0 },
    env: { MAX_FLOOD_WAIT_SEC: '10' },
    want: 'completed',
    retried: 'FLOOD_WAIT',
  },
  {
    name: 'tg-flood-above-max',
    sim: { faults: { every: 1, error: 'FLOOD_WAIT_120', methods: HISTORY } },
    env: { MAX_FLOOD_WAIT_SEC: '60' },
    want: { code: 'FLOOD_WAIT', retryable: true },
  },
  {
    name: 'tg-timeouts',
    sim: { faults: { every: 3, error: 'TIMEOUT', methods: HISTORY }, maxPageSize: 20 },
    want: 'completed',
    retried: 'TIMEOUT',
  },
  {
    name: 'tg-disconnects',
    sim: { faults: { every: 4, error: 'DISCONNECT' }, maxPageSize: 20 },
    want: 'completed',
    retried: 'DISCONNECTED',
  },
  {
    name: 'tg-revoked-session',
    sim: { faults: { every: 1, error: 'SESSION_REVOKED' } },
    want: { code: 'AUTH_FAILED', retryable: false },
  },
];

export const names = CASES.map((c) => c.name);

export async function run({ rng, short, seed, only }) {
  const out = [];
  for (const c of CASES) {
    if (only && !only.some((o) => c.name.startsWith(o) || o === 'telegram')) continue;
    const w = await openScenario(c.name, { rng, seed, sim: c.sim });
    try {
      const count = short ? 4 : 10;
      const daemon = w.spawn('w1', c.env ?? {});
      await daemon.waitReady();
      await w.push(Array.from({ length: count }, () => w.command()));
      const drained = await w.waitFinal(undefined, 120_000);
      const expect = (_command, finals) => {
        const last = finals[finals.length - 1];
        if (c.want === 'completed')
          return last.event === 'completed'
            ? undefined
            : `wanted completed, got failed ${last.error?.code}`;
        if (last.event !== 'failed') return `wanted failed ${c.want.code}, got completed`;
        if (last.error.code !== c.want.code || last.error.retryable !== c.want.retryable)
          return `wanted ${c.want.code} (retryable ${c.want.retryable}), got ${last.error.code} (retryable ${last.error.retryable})`;
        return undefined;
      };
      const result = await w.verify({ expect });
      if (!drained) result.violations.push('not every command ended within 120 s');
      const retries = Object.entries(daemon.retries)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      if (c.retried && !daemon.retries[c.retried])
        result.violations.push(`no ${c.retried} retry was logged: the fault was not injected`);
      out.push({
        name: c.name,
        trials: count,
        result,
        world: w,
        notes: `retries logged: ${retries || 'none'}; outcomes ${JSON.stringify(result.commands.codes)}`,
      });
    } catch (error) {
      out.push({ name: c.name, error: String(error.stack ?? error), world: w });
    }
  }
  return out;
}
