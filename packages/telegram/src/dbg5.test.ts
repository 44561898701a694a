import { it } from 'vitest';
import { createPacer } from './pacer.js';
import { createTimeline } from './testing-fixtures/timeline.js';
import { createRateLimiter } from './testing/rate-limit.js';
it('dbg5', async () => {
  for (const [n, lat] of [[1, 0], [100, 0], [20, 40], [1, 40]]) {
    const clock = createTimeline();
    const pacer = createPacer(clock, { initial: { requestsPerSecond: 50, burst: 10, learnedAt: 0 } });
    const server = createRateLimiter({ requestsPerSecond: 50, burst: 10 });
    const signal = new AbortController().signal;
    const t0 = clock.now();
    let done = 0; let fw = 0; const marks: string[] = [];
    const chat = async (i: number) => {
      while (done < 2000) {
        const turn = await pacer.turn(`@c${i}`, signal);
        const s = server.take(clock.now());
        if (lat) await clock.sleep(lat);
        if (s === undefined) { turn.accepted(); done++; if (done % 400 === 0) marks.push(`${done}@${((clock.now() - t0) / 1000).toFixed(2)} r=${pacer.rate.toFixed(2)}`); await clock.sleep(2); }
        else { turn.refused(s); fw++; await clock.sleep(s * 1050); }
      }
    };
    await clock.run(Promise.all(Array.from({ length: n }, (_, i) => chat(i))));
    console.log(`N=${n} lat=${lat} sec=${((clock.now() - t0) / 1000).toFixed(2)} ratio=${(39.8 / ((clock.now() - t0) / 1000)).toFixed(3)} fw=${fw} ${marks.join(' ')}`);
  }
});
