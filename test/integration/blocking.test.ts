/**
 * Blocking list commands over real sockets, in every execution mode: wake-ups by pushes, arrival
 * order, timeouts, CLIENT UNBLOCK, disconnects, pipelining behind a blocked command, and BLMOVE
 * across shards (keys whose hash tags land on different workers).
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import Redis from 'ioredis';
import { MODES, startTessera } from './modes.js';

type Handle = Awaited<ReturnType<typeof startTessera>>;

interface ServerView {
  slotToShard: Uint16Array;
  workers: { workerOfShard(shard: number): number } | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two hash tags whose keys live on different workers (different shards with --threads 0). */
async function distantTags(handle: Handle): Promise<[string, string]> {
  const { keySlot } = (await import('../../dist/shard/slot.js')) as typeof import('../../src/shard/slot.js');
  const server = (handle as unknown as { server: ServerView }).server;
  const home = (tag: string) => {
    const bytes = Buffer.from(tag);
    const shard = server.slotToShard[keySlot(bytes, 0, bytes.length)];
    return server.workers === null ? shard : server.workers.workerOfShard(shard);
  };
  const first = '{t0}';
  for (let i = 1; i < 1000; i++) {
    const tag = `{t${i}}`;
    if (home(tag) !== home(first)) return [first, tag];
  }
  throw new Error('no two tags on different shards');
}

for (const mode of MODES) {
  describe(`blocking list commands, ${mode.name}`, () => {
    let server: Handle;
    let open: Redis[] = [];
    let A = '';
    let B = '';

    beforeAll(async () => {
      server = await startTessera(mode.options);
      [A, B] = await distantTags(server);
    });
    afterAll(async () => {
      await server.close();
    });
    afterEach(() => {
      for (const r of open) r.disconnect();
      open = [];
    });

    async function client(): Promise<Redis> {
      const r = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
      await r.connect();
      open.push(r);
      return r;
    }

    async function blockedClients(r: Redis): Promise<number> {
      const m = /blocked_clients:(\d+)/.exec(await r.info('clients'));
      return Number(m![1]);
    }

    /** Waits (bounded) until INFO reports `n` blocked clients. */
    async function untilBlocked(r: Redis, n: number): Promise<void> {
      const end = Date.now() + 3000;
      for (;;) {
        const count = await blockedClients(r);
        if (count === n) return;
        if (Date.now() > end) throw new Error(`blocked_clients is ${count}, expected ${n}`);
        await sleep(5);
      }
    }

    it('huge timeouts and ones that round to 0 ms (-0.001) keep waiting', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      for (const timeout of ['100000000', '-0.001', '9223372036854775']) {
        const popped = a.blpop('q', timeout);
        await untilBlocked(b, 1);
        await sleep(50);
        expect(await blockedClients(b)).toBe(1);
        await b.rpush('q', timeout);
        expect(await popped).toEqual(['q', timeout]);
      }
    });

    it('a client blocked in BLPOP is served when another client pushes', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      const popped = a.blpop('q', 5);
      await untilBlocked(b, 1);
      expect(await b.rpush('q', 'x')).toBe(1);
      expect(await popped).toEqual(['q', 'x']);
      expect(await b.exists('q')).toBe(0);
      expect(await blockedClients(b)).toBe(0);
    });

    it('a blocked command counts as one call in INFO commandstats, however often it was retried', async () => {
      const [a, b, c] = [await client(), await client(), await client()];
      await b.flushall();
      await b.config('RESETSTAT');
      const first = a.blpop('q', 5);
      await untilBlocked(b, 1);
      const second = c.blpop('q', 5);
      await untilBlocked(b, 2);
      await b.rpush('q', 'one');
      expect(await first).toEqual(['q', 'one']);
      await b.rpush('q', 'two');
      expect(await second).toEqual(['q', 'two']);
      expect(await a.blpop('nothing', 0.01)).toBeNull();
      const stats = await b.info('commandstats');
      expect(/cmdstat_blpop:calls=(\d+)/.exec(stats)![1]).toBe('3');
    });

    it('several blocked clients are served in arrival order', async () => {
      const w = await client();
      await w.flushall();
      const waiters = [await client(), await client(), await client()];
      const results: Promise<unknown>[] = [];
      for (let i = 0; i < waiters.length; i++) {
        results.push(i === 1 ? waiters[i].brpop('q', 5) : waiters[i].blpop('q', 5));
        await untilBlocked(w, i + 1);
      }
      expect(await w.rpush('q', 'a', 'b', 'c')).toBe(3);
      // The first waiter pops the head, the second (BRPOP) the tail, the third what is left.
      expect(await Promise.all(results)).toEqual([
        ['q', 'a'],
        ['q', 'c'],
        ['q', 'b'],
      ]);
      // One element at a time: the oldest waiter gets it.
      const late = [await client(), await client()];
      const r1 = late[0].blpop('q', 5);
      await untilBlocked(w, 1);
      const r2 = late[1].blpop('q', 5);
      await untilBlocked(w, 2);
      await w.rpush('q', 'first');
      expect(await r1).toEqual(['q', 'first']);
      await w.rpush('q', 'second');
      expect(await r2).toEqual(['q', 'second']);
    });

    it('a timeout answers null after about the timeout, with sub-second precision', async () => {
      const a = await client();
      await a.flushall();
      const start = performance.now();
      expect(await a.blpop('nothing', 0.2)).toBeNull();
      const elapsed = performance.now() - start;
      expect(elapsed).toBeGreaterThanOrEqual(180);
      expect(elapsed).toBeLessThan(1500);
      expect(await a.blmove('nothing', 'other', 'LEFT', 'RIGHT', 0.05)).toBeNull();
      expect(await a.call('blmpop', '0.05', '2', 'n1', 'n2', 'LEFT')).toBeNull();
      expect(await blockedClients(a)).toBe(0);
    });

    it('timeout 0 waits until served', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      let done = false;
      const popped = a.brpop('q', 0).then((v) => {
        done = true;
        return v;
      });
      await untilBlocked(b, 1);
      await sleep(300);
      expect(done).toBe(false);
      await b.lpush('q', 'late');
      expect(await popped).toEqual(['q', 'late']);
    });

    it('BLMOVE between keys of different shards moves atomically', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      const src = `${A}src`;
      const dst = `${B}dst`;
      // Served at once when the source has elements.
      await b.rpush(src, 'one');
      expect(await a.blmove(src, dst, 'LEFT', 'RIGHT', 1)).toBe('one');
      expect(await b.exists(src)).toBe(0);
      expect(await b.lrange(dst, 0, -1)).toEqual(['one']);
      // Blocked, then served by a push into the source.
      const moved = a.blmove(src, dst, 'RIGHT', 'LEFT', 5);
      await untilBlocked(b, 1);
      await b.rpush(src, 'two');
      expect(await moved).toBe('two');
      expect(await b.exists(src)).toBe(0);
      expect(await b.lrange(dst, 0, -1)).toEqual(['two', 'one']);
      const rotated = a.brpoplpush(`${B}x`, src, 5);
      await untilBlocked(b, 1);
      await b.rpush(`${B}x`, 'three');
      expect(await rotated).toBe('three');
      expect(await b.lrange(src, 0, -1)).toEqual(['three']);
    });

    it('a push into one of several watched keys serves the client with that key', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      const keys = [`${A}k1`, `${B}k2`, 'k3'];
      const popped = a.blpop(...keys, 5);
      await untilBlocked(b, 1);
      await b.rpush(`${B}k2`, 'v');
      expect(await popped).toEqual([`${B}k2`, 'v']);
      const multi = a.call('blmpop', '5', '3', ...keys, 'RIGHT', 'COUNT', '5');
      await untilBlocked(b, 1);
      await b.rpush('k3', 'x', 'y', 'z');
      expect(await multi).toEqual(['k3', ['z', 'y', 'x']]);
    });

    it('a key that becomes another type leaves the client blocked (Redis 7.0)', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      const popped = a.blpop('q', 5);
      await untilBlocked(b, 1);
      await b.set('q', 'a string');
      await sleep(50);
      expect(await blockedClients(b)).toBe(1);
      await b.del('q');
      await b.rpush('q', 'x');
      expect(await popped).toEqual(['q', 'x']);
      // A key of another type from the start answers WRONGTYPE at once.
      await b.set('s', 'v');
      await expect(a.blpop('s', 0)).rejects.toThrow(/^WRONGTYPE/);
    });

    it('a blocked BLMOVE whose destination became another type answers WRONGTYPE and moves nothing', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      const moved = a.blmove(`${A}src`, `${B}dst`, 'LEFT', 'RIGHT', 5).then(
        () => 'no error',
        (e: Error) => e.message,
      );
      await untilBlocked(b, 1);
      await b.set(`${B}dst`, 'a string');
      await b.rpush(`${A}src`, 'stays');
      expect(await moved).toMatch(/^WRONGTYPE/);
      expect(await b.lrange(`${A}src`, 0, -1)).toEqual(['stays']);
      expect(await blockedClients(b)).toBe(0);
    });

    it('CLIENT UNBLOCK ends a block as a timeout or with an error', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      const id = Number(await a.client('ID'));
      expect(await b.client('UNBLOCK', id)).toBe(0);
      const timedOut = a.blpop('q', 0);
      await untilBlocked(b, 1);
      expect(await b.client('UNBLOCK', id, 'TIMEOUT')).toBe(1);
      expect(await timedOut).toBeNull();
      const failed = a.blmove('q', 'd', 'LEFT', 'LEFT', 0).then(
        () => 'no error',
        (e: Error) => e.message,
      );
      await untilBlocked(b, 1);
      expect(await b.client('UNBLOCK', id, 'ERROR')).toBe(1);
      expect(await failed).toBe('UNBLOCKED client unblocked via CLIENT UNBLOCK');
      expect(await blockedClients(b)).toBe(0);
      // The connection goes on normally.
      expect(await a.ping()).toBe('PONG');
    });

    it('a blocked client that disconnects leaves nothing behind', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      a.blpop('q', 0).catch(() => undefined);
      await untilBlocked(b, 1);
      a.disconnect();
      await untilBlocked(b, 0);
      await b.rpush('q', 'kept');
      expect(await b.lrange('q', 0, -1)).toEqual(['kept']);
    });

    it('commands pipelined behind BLPOP wait until it is answered', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      const pipe = a.pipeline().blpop('q', 5).set('after', '1').get('after').exec();
      await untilBlocked(b, 1);
      await sleep(50);
      expect(await b.get('after')).toBeNull();
      await b.rpush('q', 'go');
      const results = (await pipe)!.map(([err, v]) => (err ? err.message : v));
      expect(results).toEqual([['q', 'go'], 'OK', '1']);
    });

    it('a BLMOVE that is served pushes into its destination and wakes a client blocked on it', async () => {
      const [c1, c2, w] = [await client(), await client(), await client()];
      await w.flushall();
      const src = `${A}src`;
      const dst = `${B}dst`;
      const last = c1.blpop(dst, 5);
      await untilBlocked(w, 1);
      const middle = c2.blmove(src, dst, 'LEFT', 'RIGHT', 5);
      await untilBlocked(w, 2);
      await w.rpush(src, 'relay');
      expect(await middle).toBe('relay');
      expect(await last).toEqual([dst, 'relay']);
      expect(await w.exists(src, dst)).toBe(0);
    });

    it('BZPOPMIN, BZPOPMAX and BZMPOP are served by ZADD, lowest or highest first', async () => {
      const [a, b, c] = [await client(), await client(), await client()];
      await b.flushall();
      const min = a.bzpopmin(`${A}z`, `${B}z`, 5);
      await untilBlocked(b, 1);
      const max = c.bzpopmax(`${B}z`, 5);
      await untilBlocked(b, 2);
      await b.zadd(`${B}z`, 3, 'three', 1, 'one', 2, 'two');
      expect(await min).toEqual([`${B}z`, 'one', '1']);
      expect(await max).toEqual([`${B}z`, 'three', '3']);
      const multi = a.call('bzmpop', '5', '2', `${A}z`, 'nothing', 'MAX', 'COUNT', '10');
      await untilBlocked(b, 1);
      await b.zadd(`${A}z`, 1.5, 'x', 2.5, 'y');
      expect(await multi).toEqual([`${A}z`, [['y', '2.5'], ['x', '1.5']]]);
      expect(await a.bzpopmin('nothing', 0.05)).toBeNull();
      // A key that becomes a list meanwhile leaves the client blocked.
      const later = a.bzpopmin('z', 5);
      await untilBlocked(b, 1);
      await b.rpush('z', 'not a zset');
      await sleep(50);
      expect(await blockedClients(b)).toBe(1);
      await b.del('z');
      await b.zadd('z', 7, 'seven');
      expect(await later).toEqual(['z', 'seven', '7']);
      expect(await b.dbsize()).toBe(1);
    });

    it('a push right behind a BLPOP (first try still running) is never missed', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      for (let i = 0; i < 30; i++) {
        const popped = a.blpop(`race${i}`, 2);
        void b.rpush(`race${i}`, String(i));
        expect(await popped).toEqual([`race${i}`, String(i)]);
      }
      expect(await b.dbsize()).toBe(0);
    });
  });
}
