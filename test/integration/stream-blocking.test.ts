/**
 * Blocking stream reads over real sockets, in every execution mode: XREAD BLOCK and XREADGROUP
 * BLOCK woken by XADD, `$` fixed at the time of the call (entries added after it are served, the
 * ones before are not, even when the wake-up comes later), COUNT on wake-up, timeouts, several
 * streams, and a group destroyed while a consumer waits.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import Redis from 'ioredis';
import { MODES, startTessera } from './modes.js';

type Handle = Awaited<ReturnType<typeof startTessera>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const mode of MODES) {
  describe(`blocking stream reads, ${mode.name}`, () => {
    let server: Handle;
    let open: Redis[] = [];

    beforeAll(async () => {
      server = await startTessera(mode.options);
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

    async function untilBlocked(r: Redis, n: number): Promise<void> {
      const end = Date.now() + 3000;
      for (;;) {
        const m = /blocked_clients:(\d+)/.exec(await r.info('clients'));
        if (Number(m![1]) === n) return;
        if (Date.now() > end) throw new Error(`blocked_clients is not ${n}`);
        await sleep(5);
      }
    }

    it('XREAD BLOCK with $ is woken by XADD and serves only the new entry', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      await b.xadd('s', '1-1', 'old', '1');
      const pending = a.xread('BLOCK', 0, 'STREAMS', 's', '$');
      await untilBlocked(b, 1);
      await b.xadd('s', '2-1', 'new', '2');
      expect(await pending).toEqual([['s', [['2-1', ['new', '2']]]]]);
      await untilBlocked(b, 0);
    });

    it('$ keeps the last id of the first try across writes that do not serve it', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      await b.xadd('s', '5-1', 'f', 'v');
      const pending = a.xread('BLOCK', 0, 'STREAMS', 's', '$');
      await untilBlocked(b, 1);
      // A write to the key that adds nothing wakes the client, which must stay blocked.
      await b.xdel('s', '9-9');
      await b.xtrim('s', 'MAXLEN', 5);
      await sleep(20);
      await untilBlocked(b, 1);
      await b.xadd('s', '6-1', 'f', 'w');
      expect(await pending).toEqual([['s', [['6-1', ['f', 'w']]]]]);
    });

    it('XREAD BLOCK on a missing key with $ serves the first entry added', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      const pending = a.xread('BLOCK', 0, 'STREAMS', 'nokey', '$');
      await untilBlocked(b, 1);
      await b.xadd('nokey', '1-1', 'a', '1');
      expect(await pending).toEqual([['nokey', [['1-1', ['a', '1']]]]]);
    });

    it('XREAD BLOCK with an explicit id and COUNT across two streams', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      await b.xadd('{t}x', '1-1', 'a', '1');
      const pending = a.xread('COUNT', 1, 'BLOCK', 0, 'STREAMS', '{t}x', '{t}y', '1-1', '0');
      await untilBlocked(b, 1);
      await b.multi().xadd('{t}y', '3-1', 'c', '3').xadd('{t}y', '3-2', 'd', '4').exec();
      expect(await pending).toEqual([['{t}y', [['3-1', ['c', '3']]]]]);
    });

    it('XREAD BLOCK times out with a null reply', async () => {
      const a = await client();
      await a.flushall();
      const start = Date.now();
      expect(await a.xread('BLOCK', 50, 'STREAMS', 's', '$')).toBeNull();
      expect(Date.now() - start).toBeGreaterThanOrEqual(45);
    });

    it('XREADGROUP BLOCK with > is woken by XADD and records the entry as pending', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      await b.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
      const pending = a.xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 0, 'STREAMS', 's', '>');
      await untilBlocked(b, 1);
      await b.xadd('s', '7-1', 'job', 'x');
      expect(await pending).toEqual([['s', [['7-1', ['job', 'x']]]]]);
      const summary = (await b.xpending('s', 'g')) as unknown[];
      expect(summary.slice(0, 3)).toEqual([1, '7-1', '7-1']);
      expect(summary[3]).toEqual([['alice', '1']]);
    });

    it('two consumers of one group blocked on a stream each get their own entry in arrival order', async () => {
      const [a, c, b] = [await client(), await client(), await client()];
      await b.flushall();
      await b.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
      const first = a.xreadgroup('GROUP', 'g', 'alice', 'COUNT', 1, 'BLOCK', 0, 'STREAMS', 's', '>');
      await untilBlocked(b, 1);
      const second = c.xreadgroup('GROUP', 'g', 'bob', 'COUNT', 1, 'BLOCK', 0, 'STREAMS', 's', '>');
      await untilBlocked(b, 2);
      await b.xadd('s', '1-1', 'n', '1');
      expect(await first).toEqual([['s', [['1-1', ['n', '1']]]]]);
      await b.xadd('s', '1-2', 'n', '2');
      expect(await second).toEqual([['s', [['1-2', ['n', '2']]]]]);
    });

    it('a consumer waiting on a group that is destroyed and recreated gets NOGROUP', async () => {
      const [a, b] = [await client(), await client()];
      await b.flushall();
      await b.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
      const pending = a.xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 0, 'STREAMS', 's', '>').catch((e: Error) => e.message);
      await untilBlocked(b, 1);
      await b.xgroup('DESTROY', 's', 'g');
      expect(await pending).toBe('NOGROUP the consumer group this client was blocked on no longer exists');
    });

    it('XREADGROUP BLOCK times out with a null reply', async () => {
      const a = await client();
      await a.flushall();
      await a.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
      expect(await a.xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 30, 'STREAMS', 's', '>')).toBeNull();
    });
  });
}
