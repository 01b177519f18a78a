/**
 * Eviction under maxmemory (src/server/eviction.ts), in every execution mode: memory stays under
 * the limit, evicted keys are counted and notified, what is not evicted keeps its value, and each
 * policy chooses the victims it should.
 */
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import Redis from 'ioredis';
import { MODES, startTessera } from './modes.js';

async function infoNumber(r: Redis, section: string, field: string): Promise<number> {
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(await r.info(section));
  if (!m) throw new Error(`INFO ${section} has no ${field}`);
  return Number(m[1]);
}

/** The memory eviction counts: used_memory minus mem_not_counted_for_evict. */
async function evictable(r: Redis): Promise<number> {
  const text = await r.info('memory');
  const used = Number(/^used_memory:(\d+)/m.exec(text)![1]);
  const notCounted = Number(/^mem_not_counted_for_evict:(\d+)/m.exec(text)![1]);
  return used - notCounted;
}

/**
 * Waits until the evictable memory is at most `limit`: the command reading it evicts first, but a
 * pass that reaches its time limit (maxmemory-eviction-tenacity) finishes in the background.
 */
async function underLimit(r: Redis, limit: number): Promise<void> {
  const until = Date.now() + 5000;
  let used = await evictable(r);
  while (used > limit && Date.now() < until) {
    await new Promise((res) => setTimeout(res, 5));
    used = await evictable(r);
  }
  expect(used).toBeLessThanOrEqual(limit);
}

const VALUE = 'v'.repeat(100);

/** Writes keys `${prefix}${i}` for i in [from, to) in pipelines of 100; `ex` adds a TTL (s). */
async function writeKeys(r: Redis, prefix: string, from: number, to: number, ex = 0): Promise<void> {
  for (let start = from; start < to; start += 100) {
    const p = r.pipeline();
    for (let i = start; i < Math.min(to, start + 100); i++) {
      if (ex > 0) p.set(`${prefix}${i}`, `${VALUE}${i}`, 'EX', ex);
      else p.set(`${prefix}${i}`, `${VALUE}${i}`);
    }
    const results = await p.exec();
    for (const [err] of results!) if (err) throw err;
  }
}

/** How many of keys `${prefix}${i}`, i in [from, to), exist; every one that does holds its value. */
async function survivors(r: Redis, prefix: string, from: number, to: number): Promise<number> {
  const keys: string[] = [];
  for (let i = from; i < to; i++) keys.push(`${prefix}${i}`);
  const values = await r.mget(...keys);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null) continue;
    expect(values[i]).toBe(`${VALUE}${from + i}`);
    n++;
  }
  return n;
}

for (const mode of MODES) {
  describe(`eviction, ${mode.name}`, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    let r: Redis;
    /** Evictable memory of the empty server. */
    let base = 0;
    beforeAll(async () => {
      server = await startTessera(mode.options);
      r = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      base = await evictable(r);
    });
    afterAll(async () => {
      r.disconnect();
      await server.close();
    });
    beforeEach(async () => {
      await r.config('SET', 'maxmemory', '0');
      await r.config('SET', 'maxmemory-policy', 'noeviction');
      await r.config('SET', 'maxmemory-eviction-tenacity', '10');
      await r.config('SET', 'lazyfree-lazy-eviction', 'no');
      await r.config('SET', 'notify-keyspace-events', '');
      await r.config('SET', 'lfu-decay-time', '1');
      await r.flushall();
      await r.config('RESETSTAT');
    });

    for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random']) {
      it(`${policy} keeps memory under maxmemory, counts and notifies every eviction and loses no other write`, async () => {
        const limit = base + 100_000;
        await r.config('SET', 'maxmemory-policy', policy);
        await r.config('SET', 'maxmemory', String(limit));
        await r.config('SET', 'notify-keyspace-events', 'Ee');
        const sub = new Redis({ port: server.port, host: '127.0.0.1' });
        const evicted = new Set<string>();
        sub.on('message', (channel: string, key: string) => {
          expect(channel).toBe('__keyevent@0__:evicted');
          evicted.add(key);
        });
        await sub.subscribe('__keyevent@0__:evicted');
        try {
          const n = 3000;
          await writeKeys(r, 'k:', 0, n);
          await underLimit(r, limit);
          const count = await infoNumber(r, 'stats', 'evicted_keys');
          const kept = await survivors(r, 'k:', 0, n);
          expect(count).toBeGreaterThan(n / 2);
          expect(kept + count).toBe(n);
          expect(await r.dbsize()).toBe(kept);
          // Every eviction was notified, once per key, and names a key that is gone.
          const until = Date.now() + 5000;
          while (evicted.size < count && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
          expect(evicted.size).toBe(count);
          for (const key of [...evicted].slice(0, 200)) expect(await r.exists(key)).toBe(0);
        } finally {
          sub.disconnect();
        }
      });
    }

    for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
      it(`${policy} evicts only keys with a TTL and answers OOM once none is left`, async () => {
        await writeKeys(r, 'plain:', 0, 300);
        const plainBytes = (await evictable(r)) - base;
        await r.config('SET', 'maxmemory-policy', policy);
        await r.config('SET', 'maxmemory', String(base + plainBytes + 40_000));
        await writeKeys(r, 'vol:', 0, 1000, 1000);
        await underLimit(r, base + plainBytes + 40_000);
        expect(await survivors(r, 'plain:', 0, 300)).toBe(300);
        const volatileLeft = await survivors(r, 'vol:', 0, 1000);
        expect(volatileLeft).toBeLessThan(1000);
        expect(await infoNumber(r, 'stats', 'evicted_keys')).toBe(1000 - volatileLeft);
        // Persisted keys may not be evicted: with nothing volatile left, writes are refused.
        await r.config('SET', 'maxmemory', String(base + plainBytes / 2));
        // A pass stops at its time limit and goes on in the background (writes are accepted meanwhile).
        const until = Date.now() + 5000;
        while ((await r.dbsize()) > 300 && Date.now() < until) await new Promise((res) => setTimeout(res, 5));
        await expect(r.set('plain:new', VALUE)).rejects.toThrow("OOM command not allowed when used memory > 'maxmemory'.");
        expect(await survivors(r, 'plain:', 0, 300)).toBe(300);
        expect(await survivors(r, 'vol:', 0, 1000)).toBe(0);
      });
    }

    it('noeviction refuses writes over the limit and keeps every key', async () => {
      await r.config('SET', 'maxmemory', String(base + 50_000));
      let refused = 0;
      let written = 0;
      for (let i = 0; i < 1000; i++) {
        try {
          await r.set(`k:${i}`, `${VALUE}${i}`);
          written = i + 1;
        } catch (err) {
          expect((err as Error).message).toBe("OOM command not allowed when used memory > 'maxmemory'.");
          refused++;
          break;
        }
      }
      expect(refused).toBe(1);
      expect(await survivors(r, 'k:', 0, written)).toBe(written);
      expect(await r.get('k:0')).toBe(`${VALUE}0`);
      expect(await r.del('k:0')).toBe(1);
      expect(await infoNumber(r, 'stats', 'evicted_keys')).toBe(0);
      const info = await r.info('memory');
      expect(info).toContain(`maxmemory:${base + 50_000}\r\n`);
      expect(info).toContain('maxmemory_policy:noeviction\r\n');
      expect(info).toMatch(/maxmemory_human:\d+\.\d+K\r\n/);
    });

    it('allkeys-lru keeps a hot set that is read between writes', async () => {
      await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await writeKeys(r, 'hot:', 0, 50);
      await writeKeys(r, 'cold:', 0, 500);
      const size = (await evictable(r)) - base;
      await r.config('SET', 'maxmemory', String(base + size + 2_000));
      // The LRU clock counts seconds: let the cold keys age by one tick, then read the hot set.
      await new Promise((res) => setTimeout(res, 1100));
      const readHot = async () => {
        const keys: string[] = [];
        for (let i = 0; i < 50; i++) keys.push(`hot:${i}`);
        await r.mget(...keys);
      };
      await readHot();
      for (let batch = 0; batch < 30; batch++) {
        await writeKeys(r, 'new:', batch * 10, batch * 10 + 10);
        await readHot();
      }
      expect(await infoNumber(r, 'stats', 'evicted_keys')).toBeGreaterThan(200);
      expect(await survivors(r, 'hot:', 0, 50)).toBeGreaterThanOrEqual(45);
    });

    it('allkeys-lfu keeps the keys read often', async () => {
      await r.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      await r.config('SET', 'lfu-decay-time', '0');
      await writeKeys(r, 'hot:', 0, 50);
      await writeKeys(r, 'cold:', 0, 500);
      for (let round = 0; round < 5; round++) {
        const keys: string[] = [];
        for (let i = 0; i < 50; i++) keys.push(`hot:${i}`);
        await r.mget(...keys);
      }
      expect(await r.object('FREQ', 'hot:0')).toBeGreaterThan(5);
      expect(await r.object('FREQ', 'cold:0')).toBe(5);
      const size = (await evictable(r)) - base;
      await r.config('SET', 'maxmemory', String(base + size + 2_000));
      await writeKeys(r, 'new:', 0, 400);
      expect(await infoNumber(r, 'stats', 'evicted_keys')).toBeGreaterThan(300);
      expect(await survivors(r, 'hot:', 0, 50)).toBe(50);
    });

    it('volatile-ttl evicts the keys nearest to expiring first', async () => {
      await r.config('SET', 'maxmemory-policy', 'volatile-ttl');
      for (let start = 0; start < 600; start += 100) {
        await writeKeys(r, 'near:', start, start + 100, 1000);
        await writeKeys(r, 'far:', start, start + 100, 100000);
      }
      const size = (await evictable(r)) - base;
      const limit = base + Math.floor(size * 0.6);
      await r.config('SET', 'maxmemory', String(limit));
      await underLimit(r, limit);
      const near = await survivors(r, 'near:', 0, 600);
      const far = await survivors(r, 'far:', 0, 600);
      expect(near + far).toBeLessThan(900);
      // Sampling is approximate (as Redis's): a round whose samples are all far keys evicts one.
      expect(600 - near).toBeGreaterThanOrEqual(4 * (600 - far));
    });

    it('CONFIG SET maxmemory below the use evicts at once, with no further command', async () => {
      await writeKeys(r, 'k:', 0, 1000);
      await r.config('SET', 'maxmemory-policy', 'allkeys-random');
      await r.config('SET', 'notify-keyspace-events', 'Ee');
      const sub = new Redis({ port: server.port, host: '127.0.0.1' });
      let notified = 0;
      sub.on('message', () => notified++);
      await sub.subscribe('__keyevent@0__:evicted');
      try {
        const size = (await evictable(r)) - base;
        await r.config('SET', 'maxmemory', String(base + Math.floor(size / 2)));
        const until = Date.now() + 5000;
        while (notified < 400 && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
        expect(notified).toBeGreaterThanOrEqual(400);
        await underLimit(r, base + Math.floor(size / 2));
        expect(await r.dbsize()).toBe(1000 - (await infoNumber(r, 'stats', 'evicted_keys')));
      } finally {
        sub.disconnect();
      }
    });

    it('a pass cut short by maxmemory-eviction-tenacity goes on in the background while writes are accepted', async () => {
      await writeKeys(r, 'k:', 0, 2000);
      await r.config('SET', 'maxmemory-policy', 'allkeys-random');
      await r.config('SET', 'maxmemory-eviction-tenacity', '0');
      await r.config('SET', 'maxmemory', '1');
      // Eviction is still running (16 keys per step): not out of memory yet.
      expect(await r.set('x', '1')).toBe('OK');
      const until = Date.now() + 10_000;
      while ((await r.dbsize()) > 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 5));
      expect(await r.dbsize()).toBe(0);
      await expect(r.set('y', '1')).rejects.toThrow('OOM');
      expect(await infoNumber(r, 'stats', 'evicted_keys')).toBe(2001);
      // Over the limit since the first pass: the exceeded times count (ms) until memory is back under.
      await new Promise((res) => setTimeout(res, 30));
      const current = await infoNumber(r, 'stats', 'current_eviction_exceeded_time');
      expect(current).toBeGreaterThanOrEqual(30);
      expect(await infoNumber(r, 'stats', 'total_eviction_exceeded_time')).toBeGreaterThanOrEqual(current);
      await r.config('SET', 'maxmemory', '0');
    });

    it('lazyfree-lazy-eviction frees big values and still ends under the limit', async () => {
      await r.config('SET', 'lazyfree-lazy-eviction', 'yes');
      await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const fields: string[] = [];
      for (let f = 0; f < 300; f++) fields.push(`field:${f}`, `${VALUE}${f}`);
      for (let i = 0; i < 10; i++) await r.hset(`h:${i}`, ...fields);
      const size = (await evictable(r)) - base;
      const limit = base + Math.floor(size / 3);
      await r.config('SET', 'maxmemory', String(limit));
      await underLimit(r, limit);
      const left = await r.dbsize();
      expect(left).toBeLessThan(5);
      expect(await infoNumber(r, 'stats', 'evicted_keys')).toBe(10 - left);
    });

    it('EXEC is aborted with the OOM reason when memory went over the limit after a denyoom command was queued', async () => {
      await r.set('k', 'v');
      const b = new Redis({ port: server.port, host: '127.0.0.1' });
      try {
        expect(await r.call('MULTI')).toBe('OK');
        expect(await r.call('SET', 'x', '1')).toBe('QUEUED');
        expect(await r.call('GET', 'k')).toBe('QUEUED');
        await b.config('SET', 'maxmemory', '1');
        await expect(r.call('EXEC')).rejects.toThrow("EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.");
        await b.config('SET', 'maxmemory', '0');
        expect(await r.call('MULTI')).toBe('OK');
        expect(await r.call('GET', 'k')).toBe('QUEUED');
        await b.config('SET', 'maxmemory', '1');
        // A transaction of commands that are not denyoom runs.
        expect(await r.call('EXEC')).toEqual(['v']);
        expect(await r.exists('x')).toBe(0);
      } finally {
        await b.config('SET', 'maxmemory', '0');
        b.disconnect();
      }
    });

    it('an evicted key makes EXEC of a transaction watching it fail', async () => {
      await writeKeys(r, 'k:', 0, 500);
      const w = new Redis({ port: server.port, host: '127.0.0.1' });
      try {
        await w.watch('k:0', 'k:1', 'k:2', 'k:3', 'k:4', 'k:5', 'k:6', 'k:7', 'k:8', 'k:9');
        await r.config('SET', 'maxmemory-policy', 'allkeys-random');
        await r.config('SET', 'maxmemory', '1');
        // The pass may stop at its time limit and finish in the background.
        const until = Date.now() + 5000;
        while ((await r.dbsize()) > 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 5));
        expect(await r.dbsize()).toBe(0);
        await r.config('SET', 'maxmemory', '0');
        expect(await w.multi().set('a', '1').exec()).toBeNull();
      } finally {
        w.disconnect();
      }
    });
  });
}
