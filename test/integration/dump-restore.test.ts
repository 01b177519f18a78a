/**
 * DUMP/RESTORE between Tessera and a live redis-server 7.0.15, both ways: payloads DUMPed by Redis at
 * run time are RESTOREd into Tessera and the reverse, for every type and encoding (including the ones
 * whose bytes differ: hash-table sets and hashes, multi-node lists), and the values are compared with
 * DEBUG DIGEST-VALUE, which both servers compute over the logical value. Also the access metadata
 * RESTORE sets (IDLETIME, FREQ), which the oracle cannot compare exactly because clocks tick.
 */
import { describe, it, expect } from 'vitest';
import { RawClient } from '../oracle/resp-client.js';
import { redisAvailable } from '../oracle/redis-server.js';
import { MODES, redisAndTessera } from './modes.js';

const haveRedis = redisAvailable();
if (!haveRedis) console.warn('DUMP/RESTORE interop tests SKIPPED: redis-server is not installed (apt-get install -y redis-server redis-tools)');

const b = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
const cmd = (c: RawClient, ...args: Array<string | Buffer>) => c.call(args.map(b));

/** The bytes of a bulk-string reply. */
function bulk(reply: Buffer): Buffer {
  const text = reply.toString('latin1');
  if (text[0] !== '$') throw new Error(`not a bulk reply: ${JSON.stringify(text.slice(0, 200))}`);
  const nl = reply.indexOf('\r\n');
  const len = Number(text.slice(1, nl));
  return reply.subarray(nl + 2, nl + 2 + len);
}

/** Commands that build one key of every type and encoding (run on the server the values come from). */
function population(): Array<Array<string | Buffer>> {
  const cmds: Array<Array<string | Buffer>> = [];
  const binary = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff));
  cmds.push(['SET', 'str:short', 'hello'], ['SET', 'str:int', '-123456'], ['SET', 'str:bigint', '9223372036854775807']);
  cmds.push(['SET', 'str:long', 'abc'.repeat(2000)], ['SET', 'str:binary', binary], ['SET', 'str:empty', '']);
  cmds.push(['RPUSH', 'list:small', 'a', '1', '-70000', binary]);
  const items: string[] = [];
  for (let i = 0; i < 3000; i++) items.push(i % 3 === 0 ? String(i * 1000) : `item-${i}-${'x'.repeat(i % 50)}`);
  cmds.push(['RPUSH', 'list:big', ...items]);
  cmds.push(['RPUSH', 'list:huge-elements', 'y'.repeat(20000), 'z'.repeat(9000), 'small']);
  cmds.push(['SADD', 'set:intset', '1', '-5', '3000000000', '70000']);
  const ints: string[] = [];
  for (let i = 0; i < 700; i++) ints.push(String(i * 7));
  cmds.push(['SADD', 'set:bigints', ...ints]);
  const members: string[] = [];
  for (let i = 0; i < 400; i++) members.push(`member-${i}`);
  cmds.push(['SADD', 'set:table', ...members, binary]);
  cmds.push(['ZADD', 'zset:small', '1', 'a', '2.5', 'b', '-inf', 'c', '1e300', 'd', '0.1', 'e']);
  const zargs: string[] = [];
  for (let i = 0; i < 300; i++) zargs.push(String((i % 17) / 3), `m${i}`);
  cmds.push(['ZADD', 'zset:skiplist', ...zargs]);
  cmds.push(['ZADD', 'zset:longmember', '5', 'q'.repeat(100), '6', 'r']);
  cmds.push(['HSET', 'hash:small', 'f1', 'v1', 'f2', '22', 'n', '-9223372036854775808', 'bin', binary.subarray(0, 40)]);
  const hargs: string[] = [];
  for (let i = 0; i < 300; i++) hargs.push(`field-${i}`, i % 2 === 0 ? String(i) : `value-${i}`);
  cmds.push(['HSET', 'hash:table', ...hargs]);
  cmds.push(['HSET', 'hash:longvalue', 'k', 'v'.repeat(200)]);
  cmds.push(['XADD', 'stream:small', '1-1', 'a', '1', 'b', '2'], ['XADD', 'stream:small', '1-2', 'a', '3', 'b', '4'], ['XADD', 'stream:small', '2-0', 'c', binary.subarray(0, 30)]);
  cmds.push(['XDEL', 'stream:small', '1-2']);
  for (let i = 1; i <= 300; i++) cmds.push(['XADD', 'stream:big', `${i}-${i % 3}`, `f${i % 4}`, `value-${i}`, 'n', String(i * 1000)]);
  cmds.push(['XTRIM', 'stream:big', 'MINID', '20-0'], ['XDEL', 'stream:big', '100-1', '200-2']);
  cmds.push(['XGROUP', 'CREATE', 'stream:big', 'g1', '0'], ['XGROUP', 'CREATE', 'stream:big', 'g2', '150-0']);
  cmds.push(['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '5', 'STREAMS', 'stream:big', '>']);
  cmds.push(['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', 'stream:big', '>']);
  cmds.push(['XREADGROUP', 'GROUP', 'g2', 'carol', 'COUNT', '2', 'STREAMS', 'stream:big', '>']);
  cmds.push(['XACK', 'stream:big', 'g1', '21-0']);
  cmds.push(['XGROUP', 'CREATECONSUMER', 'stream:big', 'g2', 'idle']);
  cmds.push(['XADD', 'stream:empty', '5-5', 'x', 'y'], ['XDEL', 'stream:empty', '5-5']);
  return cmds;
}

const KEYS = [...new Set(population().map((c) => c.find((a) => typeof a === 'string' && /^(str|list|set|zset|hash|stream):/.test(a)) as string))];

for (const mode of MODES) {
  describe.skipIf(!haveRedis)(`DUMP/RESTORE with redis-server, ${mode.name}`, () => {
    const pair = redisAndTessera(mode.options);

    it("restores redis-server's payloads of every type and encoding to the same values", async () => {
      await cmd(pair.redis, 'FLUSHALL');
      await cmd(pair.tessera, 'FLUSHALL');
      for (const c of population()) expect((await cmd(pair.redis, ...c)).toString()).not.toMatch(/^-/);
      for (const key of KEYS) {
        const payload = bulk(await cmd(pair.redis, 'DUMP', key));
        expect((await cmd(pair.tessera, 'RESTORE', key, '0', payload)).toString(), key).toBe('+OK\r\n');
        const want = (await cmd(pair.redis, 'DEBUG', 'DIGEST-VALUE', key)).toString();
        expect((await cmd(pair.tessera, 'DEBUG', 'DIGEST-VALUE', key)).toString(), key).toBe(want);
        expect((await cmd(pair.tessera, 'OBJECT', 'ENCODING', key)).toString(), key).toBe((await cmd(pair.redis, 'OBJECT', 'ENCODING', key)).toString());
        if (key.startsWith('stream:')) {
          // Groups, consumers, PELs with their delivery times and counts, ids and counters.
          const full = ['XINFO', 'STREAM', key, 'FULL'];
          expect((await cmd(pair.tessera, ...full)).toString('latin1'), key).toBe((await cmd(pair.redis, ...full)).toString('latin1'));
        }
      }
    });

    it("gives redis-server payloads it restores to the same values, byte for byte where the encodings agree", async () => {
      await cmd(pair.redis, 'FLUSHALL');
      await cmd(pair.tessera, 'FLUSHALL');
      for (const c of population()) {
        await cmd(pair.redis, ...c);
        await cmd(pair.tessera, ...c);
      }
      for (const key of KEYS) {
        const payload = bulk(await cmd(pair.tessera, 'DUMP', key));
        expect((await cmd(pair.redis, 'RESTORE', `copy:${key}`, '0', payload)).toString(), key).toBe('+OK\r\n');
        const want = (await cmd(pair.tessera, 'DEBUG', 'DIGEST-VALUE', key)).toString();
        expect((await cmd(pair.redis, 'DEBUG', 'DIGEST-VALUE', `copy:${key}`)).toString(), key).toBe(want);
        const encoding = (await cmd(pair.tessera, 'OBJECT', 'ENCODING', key)).toString();
        // Hash-table orders are each server's own; a list's node boundaries depend on node byte sizes;
        // a stream's consumer groups carry the times each server saw its reads.
        if (!/hashtable/.test(encoding) && key !== 'list:big' && key !== 'list:huge-elements' && key !== 'stream:big') {
          expect(payload.equals(bulk(await cmd(pair.redis, 'DUMP', key))), `${key} payload bytes`).toBe(true);
        }
      }
    });

    it('sets the idle time and LFU frequency RESTORE asks for', async () => {
      await cmd(pair.tessera, 'FLUSHALL');
      await cmd(pair.tessera, 'SET', 'src', 'v');
      const payload = bulk(await cmd(pair.tessera, 'DUMP', 'src'));
      expect((await cmd(pair.tessera, 'RESTORE', 'idle', '0', payload, 'IDLETIME', '1000')).toString()).toBe('+OK\r\n');
      const idle = Number((await cmd(pair.tessera, 'OBJECT', 'IDLETIME', 'idle')).toString().slice(1));
      expect(idle).toBeGreaterThanOrEqual(1000);
      expect(idle).toBeLessThanOrEqual(1001);
      // FREQ under an LRU policy is accepted and ignored, as in Redis.
      expect((await cmd(pair.tessera, 'RESTORE', 'f0', '0', payload, 'FREQ', '100')).toString()).toBe('+OK\r\n');
      expect(Number((await cmd(pair.tessera, 'OBJECT', 'IDLETIME', 'f0')).toString().slice(1))).toBeLessThanOrEqual(1);
      await cmd(pair.tessera, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
      try {
        expect((await cmd(pair.tessera, 'RESTORE', 'freq', '0', payload, 'FREQ', '100')).toString()).toBe('+OK\r\n');
        const freq = Number((await cmd(pair.tessera, 'OBJECT', 'FREQ', 'freq')).toString().slice(1));
        expect(freq).toBeGreaterThanOrEqual(99);
        expect(freq).toBeLessThanOrEqual(100);
        expect((await cmd(pair.tessera, 'RESTORE', 'freq0', '0', payload, 'FREQ', '0')).toString()).toBe('+OK\r\n');
        expect((await cmd(pair.tessera, 'OBJECT', 'FREQ', 'freq0')).toString()).toBe(':0\r\n');
      } finally {
        await cmd(pair.tessera, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
      }
    });
  });
}
