import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Redis from 'ioredis';
import { MODES, startTessera } from './modes.js';

async function infoField(r: Redis, field: string): Promise<number> {
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(await r.info('memory'));
  if (!m) throw new Error(`INFO has no ${field}`);
  return Number(m[1]);
}

async function fillHash(r: Redis, key: string, n: number, tag = ''): Promise<void> {
  for (let start = 0; start < n; start += 2000) {
    const args: string[] = [];
    for (let i = start; i < Math.min(n, start + 2000); i++) args.push(`field:${i}`, `${tag}value:${i}`);
    await r.hset(key, ...args);
  }
}

async function settled(r: Redis): Promise<void> {
  const until = Date.now() + 20_000;
  while ((await infoField(r, 'lazyfree_pending_objects')) > 0) {
    if (Date.now() > until) throw new Error('lazy freeing did not finish');
    await new Promise((res) => setTimeout(res, 5));
  }
}

for (const mode of MODES.slice(0, 2)) {
  describe(`lazy freeing, ${mode.name}`, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    let r: Redis;
    beforeAll(async () => {
      server = await startTessera(mode.options);
      r = new Redis({ port: server.port, host: '127.0.0.1' });
    });
    afterAll(async () => {
      r.disconnect();
      await server.close();
    });

    interface Probe {
      /** Longest round trip of a PING or of a GET in the big key's shard (ms). */
      worst: number;
      /** Same-shard GETs answered after UNLINK replied while INFO still showed objects pending. */
      servedWhilePending: number;
    }

    /**
     * Probes a PING and a GET of a key in the big key's shard, one call at a time each, during
     * `during()`: while the hash is UNLINKed and freed, or through a quiet window for comparison.
     */
    async function probeWhile(during: (answered: () => number) => Promise<number>): Promise<Probe> {
      await r.set('{big}probe', 'here');
      const pinger = new Redis({ port: server.port, host: '127.0.0.1' });
      const reader = new Redis({ port: server.port, host: '127.0.0.1' });
      try {
        await pinger.ping();
        await reader.get('{big}probe');
        let done = false;
        let worst = 0;
        let gets = 0;
        const probe = async (send: () => Promise<unknown>) => {
          while (!done) {
            const t = performance.now();
            await send();
            worst = Math.max(worst, performance.now() - t);
          }
        };
        const probing = Promise.all([
          probe(() => pinger.ping()),
          probe(async () => {
            expect(await reader.get('{big}probe')).toBe('here');
            gets++;
          }),
        ]);
        await new Promise((res) => setTimeout(res, 10));
        const servedWhilePending = await during(() => gets);
        done = true;
        await probing;
        return { worst, servedWhilePending };
      } finally {
        pinger.disconnect();
        reader.disconnect();
      }
    }

    async function unlinkBigHash(): Promise<Probe> {
      return probeWhile(async (answered) => {
        expect(await r.unlink('{big}hash')).toBe(1);
        const atReply = answered();
        expect(await r.exists('{big}hash')).toBe(0);
        expect(await r.hlen('{big}hash')).toBe(0);
        // GETs answered while the free was still running: none if UNLINK had freed synchronously.
        let served = 0;
        while ((await infoField(r, 'lazyfree_pending_objects')) > 0) served = answered() - atReply;
        return served;
      });
    }

    it('PING and a read in the same shard are answered within 50 ms while a 500k-field hash is UNLINKed', async () => {
      await r.flushall();
      const base = await infoField(r, 'used_memory');
      // This machine is shared: other jobs can keep any process off the CPU for tens of ms. So each
      // try also probes a quiet window first, and a try whose waits during the UNLINK exceed 50 ms
      // still passes when they are no worse than twice the quiet window's (a synchronous free of
      // this hash stalls the shard for 150 ms or more, far beyond both). Up to three tries.
      const tries: string[] = [];
      let passed = false;
      for (let attempt = 0; attempt < 3 && !passed; attempt++) {
        await fillHash(r, '{big}hash', 500_000);
        expect((await infoField(r, 'used_memory')) - base).toBeGreaterThan(10_000_000);
        const quiet = await probeWhile(async () => {
          await new Promise((res) => setTimeout(res, 300));
          return 0;
        });
        await r.config('RESETSTAT');
        const during = await unlinkBigHash();
        // Inline, the main thread itself frees: its longest stall in CPU time, which a loaded machine
        // does not inflate.
        const busyMs = (await (async () => {
          const m = /^tessera_eventloop_busy_max_usec:(\d+)/m.exec(await r.info('stats'));
          return m ? Number(m[1]) : 0;
        })()) / 1000;
        if (mode.options.threads === 0) expect(busyMs).toBeLessThan(50);
        expect(during.servedWhilePending).toBeGreaterThanOrEqual(3);
        // CONFIG RESETSTAT zeroed the count, as Redis's does.
        expect(await infoField(r, 'lazyfreed_objects')).toBe(1);
        expect(await infoField(r, 'used_memory')).toBeLessThan(base + 200_000);
        tries.push(`worst ${during.worst.toFixed(1)} ms (quiet ${quiet.worst.toFixed(1)} ms), ${during.servedWhilePending} GETs served while freeing`);
        passed = during.worst < 50 || during.worst <= 2 * quiet.worst;
      }
      if (process.env.LAZYFREE_REPORT) console.log(tries.join('\n'));
      expect(passed, tries.join('; ')).toBe(true);
    }, 120_000);

    it('used_memory falls as slices run, and a key re-created meanwhile keeps its new value', async () => {
      await r.flushall();
      const base = await infoField(r, 'used_memory');
      await fillHash(r, 'h', 200_000, 'old-');
      const full = await infoField(r, 'used_memory');
      await r.unlink('h');
      await fillHash(r, 'h', 1000, 'new-');
      const samples: number[] = [];
      while ((await infoField(r, 'lazyfree_pending_objects')) > 0) {
        samples.push(await infoField(r, 'used_memory'));
        await new Promise((res) => setTimeout(res, 2));
      }
      for (let i = 1; i < samples.length; i++) expect(samples[i]).toBeLessThanOrEqual(samples[i - 1] + 4096);
      if (samples.length > 0) expect(samples[0]).toBeLessThanOrEqual(full + 200_000);
      expect(await r.hlen('h')).toBe(1000);
      expect(await r.hget('h', 'field:999')).toBe('new-value:999');
      expect(await r.hget('h', 'field:1000')).toBe(null);
      await r.del('h');
      expect(await infoField(r, 'used_memory')).toBeLessThan(base + 200_000);
    }, 60_000);

    it('FLUSHALL ASYNC empties every database at once and frees the old tables in the background', async () => {
      await r.flushall();
      const freed0 = await infoField(r, 'lazyfreed_objects');
      const pipe = r.pipeline();
      for (let i = 0; i < 2000; i++) pipe.set(`key:${i}`, 'v');
      await pipe.exec();
      await r.rpush('biglist', ...Array.from({ length: 50_000 }, (_, i) => `element:${i}`));
      await r.sadd('bigset', ...Array.from({ length: 20_000 }, (_, i) => `member:${i}`));
      await r.select(3);
      await r.set('other-db', '1');
      expect(await r.flushall('ASYNC')).toBe('OK');
      expect(await r.dbsize()).toBe(0);
      await r.select(0);
      expect(await r.dbsize()).toBe(0);
      expect(await r.scard('bigset')).toBe(0);
      await r.sadd('bigset', 'fresh');
      await settled(r);
      expect(await r.smembers('bigset')).toEqual(['fresh']);
      expect(await infoField(r, 'lazyfreed_objects')).toBe(freed0 + 2003);
      // FLUSHDB ASYNC, and FLUSHDB under lazyfree-lazy-user-flush, go the same way.
      await r.set('a', '1');
      expect(await r.flushdb('ASYNC')).toBe('OK');
      await settled(r);
      expect(await infoField(r, 'lazyfreed_objects')).toBe(freed0 + 2005);
      await r.config('SET', 'lazyfree-lazy-user-flush', 'yes');
      await r.set('b', '1');
      await r.flushdb();
      await settled(r);
      expect(await infoField(r, 'lazyfreed_objects')).toBe(freed0 + 2006);
      await r.config('SET', 'lazyfree-lazy-user-flush', 'no');
      await r.set('c', '1');
      await r.flushdb();
      expect(await infoField(r, 'lazyfreed_objects')).toBe(freed0 + 2006);
      expect(await r.flushall('SYNC')).toBe('OK');
      await expect(r.call('FLUSHALL', 'LATER')).rejects.toThrow('ERR syntax error');
    }, 60_000);

    it('DEL, expiry and overwrites free lazily exactly when their lazyfree-lazy-* setting says so', async () => {
      await r.flushall();
      const big = Array.from({ length: 1000 }, (_, i) => `m${i}`);
      const lazyfreed = () => infoField(r, 'lazyfreed_objects');
      let freed = await lazyfreed();
      const expectFreed = async (delta: number) => {
        await settled(r);
        freed += delta;
        expect(await lazyfreed()).toBe(freed);
      };
      expect(await r.config('GET', 'lazyfree-*')).toEqual(
        expect.arrayContaining(['lazyfree-lazy-user-del', 'no', 'lazyfree-lazy-expire', 'no', 'lazyfree-lazy-server-del', 'no', 'lazyfree-lazy-eviction', 'no', 'lazyfree-lazy-user-flush', 'no']),
      );
      expect(await r.config('GET', 'replica-lazy-flush')).toEqual(['replica-lazy-flush', 'no']);
      // UNLINK of a small value frees it at once; of a big one, lazily.
      await r.sadd('s', 'a', 'b');
      await r.unlink('s');
      await expectFreed(0);
      await r.sadd('s', ...big);
      await r.unlink('s');
      await expectFreed(1);
      // DEL follows lazyfree-lazy-user-del.
      await r.sadd('s', ...big);
      await r.del('s');
      await expectFreed(0);
      await r.config('SET', 'lazyfree-lazy-user-del', 'yes');
      await r.sadd('s', ...big);
      await r.del('s');
      await expectFreed(1);
      await r.config('SET', 'lazyfree-lazy-user-del', 'no');
      // Expiry follows lazyfree-lazy-expire (lazy expiry on access, and EXPIRE with a past time).
      await r.config('SET', 'lazyfree-lazy-expire', 'yes');
      await r.zadd('z', ...big.flatMap((m, i) => [i, m]));
      await r.pexpire('z', 1);
      await new Promise((res) => setTimeout(res, 10));
      expect(await r.zcard('z')).toBe(0);
      await expectFreed(1);
      await r.rpush('l', ...Array.from({ length: 100_000 }, (_, i) => `element:${i}`));
      expect(await r.expire('l', -1)).toBe(1);
      expect(await r.exists('l')).toBe(0);
      await expectFreed(1);
      await r.config('SET', 'lazyfree-lazy-expire', 'no');
      await r.sadd('s', ...big);
      await r.pexpire('s', 1);
      await new Promise((res) => setTimeout(res, 10));
      expect(await r.scard('s')).toBe(0);
      await expectFreed(0);
      // Overwrites and implicit deletes follow lazyfree-lazy-server-del.
      await r.sadd('s', ...big);
      await r.set('s', 'string now');
      await expectFreed(0);
      await r.config('SET', 'lazyfree-lazy-server-del', 'yes');
      await r.sadd('t', ...big);
      await r.set('t', 'string now');
      expect(await r.get('t')).toBe('string now');
      await expectFreed(1);
      await r.config('SET', 'lazyfree-lazy-server-del', 'no');
      // A stream is freed lazily too.
      const pipe = r.pipeline();
      for (let i = 0; i < 5000; i++) pipe.xadd('x', '*', 'f', 'a'.repeat(200));
      await pipe.exec();
      await r.unlink('x');
      expect(await r.xlen('x')).toBe(0);
      await expectFreed(1);
    }, 60_000);
  });
}
