import { it } from 'vitest';
import { createPacer } from './pacer.js';
import { createTimeline } from './testing-fixtures/timeline.js';
import { createRateLimiter } from './testing/rate-limit.js';
it('dbg4', async () => {
  const clock = createTimeline();
  const pacer = createPacer(clock);
  const server = createRateLimiter({ requestsPerSecond: 50, burst: 10 });
  const signal = new AbortController().signal;
  const t0 = clock.now();
  let done = 0; let fw = 0; const out: string[] = [];
  const chat = async (i: number) => {
    while (done < 5000) {
      const turn = await pacer.turn(`@c${i}`, signal);
      const sentAt = clock.now();
      const s = server.take(sentAt);
      await clock.sleep(40);
      if (s === undefined) { turn.accepted(); done++; }
      else { turn.refused(s); fw++; if (fw < 60) out.push(`c${i} sent=${(sentAt - t0)} s=${s} held=${pacer.heldUntil - t0} rate=${pacer.rate.toFixed(1)} done=${done}`); await clock.sleep(s * 1050); }
    }
  };
  await clock.run(Promise.all(Array.from({ length: 20 }, (_, i) => chat(i))));
  console.log(out.join('\n'), 'END', clock.now() - t0, fw);
});
