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

    it('moves between shards and MULTI/EXEC transfers conserve every total', async () => {
      const setup = new Redis({ port: server.port, host: '127.0.0.1' });
      const writers = Array.from({ length: 4 }, () => new Redis({ port: server.port, host: '127.0.0.1' }));
      const reader = new Redis({ port: server.port, host: '127.0.0.1' });
      const A = '{alpha}';
      const B = '{beta}';
      const ITEMS = 40;
      try {
        await setup.flushall();
        const items = Array.from({ length: ITEMS }, (_, i) => `item${i}`);
        await setup.rpush(`${A}l`, ...items);
        await setup.sadd(`${A}s`, ...items);
        await setup.zadd(`${A}z`, ...items.flatMap((m, i) => [i, m]));
        await setup.mset(`${A}n`, '1000', `${B}n`, '1000');
        let stop = false;
        const writing = writers.map(async (w, n) => {
          for (let round = 0; !stop && round < 300; round++) {
            const [from, to] = (round + n) % 2 === 0 ? [A, B] : [B, A];
            switch (round % 5) {
              case 0:
                await w.lmove(`${from}l`, `${to}l`, 'LEFT', 'RIGHT');
                break;
              case 1:
                await w.smove(`${from}s`, `${to}s`, items[(round * 7 + n) % ITEMS]);
                break;
              case 2:
                await w.multi().decrby(`${from}n`, 3).incrby(`${to}n`, 3).exec();
                break;
              case 3:
                await w.blmove(`${from}l`, `${to}l`, 'RIGHT', 'LEFT', 0.01);
                break;
              default:
                await w.zunionstore(`{gamma}u`, 2, `${A}z`, `${B}z`);
            }
          }
        });
        let checks = 0;
        for (let i = 0; i < 200; i++) {
          const r = (await reader
            .multi()
            .llen(`${A}l`)
            .llen(`${B}l`)
            .scard(`${A}s`)
            .scard(`${B}s`)
            .get(`${A}n`)
            .get(`${B}n`)
            .exec())!.map(([err, v]) => (err ? err : v));
          expect((r[0] as number) + (r[1] as number)).toBe(ITEMS);
          expect((r[2] as number) + (r[3] as number)).toBe(ITEMS);
          expect(Number(r[4]) + Number(r[5])).toBe(2000);
          const union = await reader.sunionstore(`{gamma}s`, `${A}s`, `${B}s`);
          expect(union).toBe(ITEMS);
          checks++;
        }
        stop = true;
        await Promise.all(writing);
        expect(checks).toBe(200);
        expect(await reader.zcard('{gamma}u')).toBe(ITEMS);
      } finally {
        setup.disconnect();
        writers.forEach((w) => w.disconnect());
        reader.disconnect();
      }
    });

    it('SORT ... STORE reads pattern keys and writes its destination atomically under concurrent transfers', async () => {
      const setup = new Redis({ port: server.port, host: '127.0.0.1' });
      const writers = Array.from({ length: 3 }, () => new Redis({ port: server.port, host: '127.0.0.1' }));
      const sorter = new Redis({ port: server.port, host: '127.0.0.1' });
      const reader = new Redis({ port: server.port, host: '127.0.0.1' });
      // Balances in untagged keys (spread over every shard), the id list in one shard, the STORE
      // destinations in others: a SORT that saw a transfer half-applied would store a wrong total.
      const N = 24;
      const TOTAL = N * 100;
      try {
        await setup.flushall();
        await setup.rpush('{alpha}ids', ...Array.from({ length: N }, (_, i) => String(i)));
        await setup.mset(...Array.from({ length: N }, (_, i) => [`bal_${i}`, '100']).flat());
        let stop = false;
        const writing = writers.map(async (w, n) => {
          for (let round = 0; !stop && round < 400; round++) {
            const from = (round * 5 + n * 7) % N;
            const to = (from + 1 + ((round + n) % (N - 1))) % N;
            if (round % 4 === 3) {
              // A competing SORT ... STORE into the destination the reader checks.
              await w.sort('{alpha}ids', 'BY', 'bal_*', 'GET', 'bal_*', 'STORE', '{beta}sorted');
            } else {
              await w.multi().decrby(`bal_${from}`, 7).incrby(`bal_${to}`, 7).exec();
            }
          }
        });
        const sum = (values: string[]) => values.reduce((acc, v) => acc + Number(v), 0);
        let checks = 0;
        for (let i = 0; i < 150; i++) {
          const dest = i % 2 === 0 ? '{gamma}sorted' : '{delta}sorted';
          const stored = await sorter.sort('{alpha}ids', 'BY', 'bal_*', 'GET', 'bal_*', 'GET', '#', 'STORE', dest);
          expect(stored).toBe(2 * N);
          const flat = await reader.lrange(dest, 0, -1);
          expect(flat.length).toBe(2 * N);
          const balances = flat.filter((_, j) => j % 2 === 0);
          expect(sum(balances)).toBe(TOTAL);
          const numeric = balances.map(Number);
          for (let j = 1; j < numeric.length; j++) expect(numeric[j]).toBeGreaterThanOrEqual(numeric[j - 1]);
          expect(new Set(flat.filter((_, j) => j % 2 === 1)).size).toBe(N);
          const competing = await reader.lrange('{beta}sorted', 0, -1);
          if (competing.length > 0) {
            expect(competing.length).toBe(N);
            expect(sum(competing)).toBe(TOTAL);
          }
          checks++;
        }
        stop = true;
        await Promise.all(writing);
        expect(checks).toBe(150);
        const final = await reader.mget(...Array.from({ length: N }, (_, i) => `bal_${i}`));
        expect(sum(final as string[])).toBe(TOTAL);
      } finally {
        setup.disconnect();
        writers.forEach((w) => w.disconnect());
        sorter.disconnect();
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
