import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Redis from 'ioredis';
import { MODES, startTessera } from './modes.js';

// Keys chosen to land on different slots, so with several workers they live on different threads.
const KEYS = ['alpha', 'beta', 'gamma', 'delta'];

for (const mode of MODES.slice(0, 2)) {
  describe(`multi-key commands are atomic across shards, ${mode.name}`, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    beforeAll(async () => {
      server = await startTessera(mode.options);
    });
    afterAll(async () => {
      await server.close();
    });

    it('MGET never sees a half-applied MSET', async () => {
      const writers = Array.from({ length: 4 }, () => new Redis({ port: server.port, host: '127.0.0.1' }));
      const reader = new Redis({ port: server.port, host: '127.0.0.1' });
      try {
        let stop = false;
        const writing = writers.map(async (w, n) => {
          let round = 0;
          while (!stop && round < 400) {
            const v = `${n}:${round++}`;
            await w.mset(...KEYS.flatMap((k) => [k, v]));
          }
        });
        let reads = 0;
        for (let i = 0; i < 400; i++) {
          const values = await reader.mget(...KEYS);
          if (values[0] !== null) {
            reads++;
            for (const v of values) expect(v).toBe(values[0]);
          }
        }
        stop = true;
        await Promise.all(writing);
        expect(reads).toBeGreaterThan(0);
      } finally {
        writers.forEach((w) => w.disconnect());
        reader.disconnect();
      }
    });

    it('replies stay in request order when a pipeline mixes shards and whole-keyspace commands', async () => {
      const r = new Redis({ port: server.port, host: '127.0.0.1' });
      try {
        await r.flushall();
        const pipe = r.pipeline();
        const expected: unknown[] = [];
        for (let i = 0; i < 300; i++) {
          pipe.set(`order:${i}`, String(i));
          expected.push('OK');
          pipe.get(`order:${i}`);
          expected.push(String(i));
          if (i % 50 === 0) {
            pipe.dbsize();
            expected.push(i + 1);
            pipe.ping();
            expected.push('PONG');
          }
        }
        const results = (await pipe.exec())!.map(([err, v]) => err ?? v);
        expect(results).toEqual(expected);
      } finally {
        r.disconnect();
      }
    });
  });
}
