import { describe, expect, it } from 'vitest';
import { ConfigError } from '../settings/config-error.js';
import { simulatedOptions } from './simulated-options.js';

const problems = (text: string) => {
  try {
    simulatedOptions({ TGFETCH_SIM: text });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`TGFETCH_SIM=${text} was accepted`);
};

describe('TGFETCH_SIM', () => {
  it('gives the simulated Telegram the options it names', () => {
    const text = JSON.stringify({
      latencyMs: 5,
      rateLimit: { requestsPerSecond: 6, burst: 2 },
      faults: { every: 3, error: 'FLOOD_WAIT_120', methods: ['messages.GetHistory'] },
      dialogs: ['by_number'],
      live: { startWhenFollowed: true, eventsPerSecond: 2, dropRatio: 0.1, silentChats: ['big'] },
    });
    expect(simulatedOptions({ TGFETCH_SIM: text })).toEqual(JSON.parse(text));
    const shared = JSON.stringify({ live: { eventsPerSecond: 20, shared: { autoDeleteSec: 60 } } });
    expect(simulatedOptions({ TGFETCH_SIM: shared })).toEqual(JSON.parse(shared));
  });

  it('is no option at all when unset or empty', () => {
    expect(simulatedOptions({})).toEqual({});
    expect(simulatedOptions({ TGFETCH_SIM: '' })).toEqual({});
  });

  it('is refused, every problem named by its path, when it is not what the simulation takes', () => {
    expect(problems('nope')).toEqual(['TGFETCH_SIM must be a JSON object']);
    expect(problems('[1]')).toEqual(['TGFETCH_SIM must be a JSON object']);
    expect(problems('{"live":{"dropRatio":2}}')).toEqual([
      expect.stringMatching(/^TGFETCH_SIM\.live\.dropRatio: /),
    ]);
    expect(problems('{"latencyMS":5}')).toEqual([
      'TGFETCH_SIM.latencyMS: is not an option of the simulated Telegram',
    ]);
    const both = problems('{"faults":{"every":0,"error":"BOOM"},"rateLimit":{"burst":2}}');
    expect(both).toEqual([
      expect.stringMatching(/^TGFETCH_SIM\.rateLimit\.requestsPerSecond: /),
      expect.stringMatching(/^TGFETCH_SIM\.faults\.every: /),
      expect.stringMatching(/^TGFETCH_SIM\.faults\.error: must be one of TIMEOUT, /),
    ]);
  });
});
