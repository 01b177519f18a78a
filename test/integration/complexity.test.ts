/**
 * Big collections stay fast: operations Redis does in O(1) or O(log n) are timed against a
 * collection of 1e3 and one of 3e5 elements, and must not grow like n (300x). Each operation runs
 * in pipelines of PIPE calls, over interleaved rounds; the medians of the per-call times are
 * compared with a generous factor, and so are the fastest rounds: an operation fails when both grow
 * past the factor. A busy machine slows some rounds of either size but not all of them, while an
 * O(n) walk (milliseconds a call at 3e5) is slow in every round. A control operation that is O(n)
 * in Redis too (LREM of an absent element) must be caught, so the test is known to be able to fail.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Redis from 'ioredis';
import { startTessera } from './modes.js';

const SMALL = 1000;
const BIG = 300_000;
const PIPE = 100;
const ROUNDS = 9;
/** log2(3e5)/log2(1e3) is ~1.8 and caches miss more on big structures; an O(n) walk gives ~300. */
const FACTOR = 12;

type Op = (p: ReturnType<Redis['pipeline']>, key: (kind: string) => string, n: number, i: number) => void;

/** Operations by name: each queues one call (or a pair that leaves the data as it was). */
const OPS: Record<string, Op> = {
  // lists
  'LINDEX near the head': (p, k, _n, i) => p.lindex(k('list'), i % 5),
  'LINDEX near the tail': (p, k, _n, i) => p.lindex(k('list'), -1 - (i % 5)),
  'LSET near both ends': (p, k, _n, i) => p.lset(k('list'), i % 2 === 0 ? 2 : -3, `x${i}`),
  'LPUSH + RPOP': (p, k) => p.lpush(k('list'), 'pushed').rpop(k('list')),
  'RPUSH + LPOP': (p, k) => p.rpush(k('list'), 'pushed').lpop(k('list')),
  'LMOVE rotating': (p, k) => p.lmove(k('list'), k('list'), 'LEFT', 'RIGHT'),
  LLEN: (p, k) => p.llen(k('list')),
  'LRANGE first 10': (p, k) => p.lrange(k('list'), 0, 9),
  'LRANGE last 10': (p, k) => p.lrange(k('list'), -10, -1),
  'LPOS of the head element with MAXLEN': (p, k) => p.call('LPOS', k('list'), 'nothing', 'MAXLEN', '10'),
  // hashes
  HGET: (p, k, n, i) => p.hget(k('hash'), `field:${(i * 7919) % n}`),
  'HSET new + HDEL': (p, k, _n, i) => p.hset(k('hash'), `new:${i}`, 'v').hdel(k('hash'), `new:${i}`),
  HLEN: (p, k) => p.hlen(k('hash')),
  HEXISTS: (p, k, n, i) => p.hexists(k('hash'), `field:${(i * 31) % n}`),
  HSTRLEN: (p, k, n, i) => p.hstrlen(k('hash'), `field:${(i * 31) % n}`),
  HINCRBY: (p, k) => p.hincrby(k('hash'), 'counter', 1),
  HRANDFIELD: (p, k) => p.hrandfield(k('hash')),
  'HRANDFIELD 5 WITHVALUES': (p, k) => p.hrandfield(k('hash'), 5, 'WITHVALUES'),
  'HRANDFIELD -5': (p, k) => p.hrandfield(k('hash'), -5),
  'HSCAN step': (p, k) => p.hscan(k('hash'), 0, 'COUNT', 10),
  // sets
  SISMEMBER: (p, k, n, i) => p.sismember(k('set'), `member:${(i * 7919) % n}`),
  'SADD new + SREM': (p, k, _n, i) => p.sadd(k('set'), `new:${i}`).srem(k('set'), `new:${i}`),
  SCARD: (p, k) => p.scard(k('set')),
  SRANDMEMBER: (p, k) => p.srandmember(k('set')),
  'SRANDMEMBER 5': (p, k) => p.srandmember(k('set'), 5),
  'SRANDMEMBER -5': (p, k) => p.srandmember(k('set'), -5),
  'SPOP + SADD back': (p, k, _n, i) => p.spop(k('set')).sadd(k('set'), `member:back:${i}`),
  'SPOP 3': (p, k) => p.spop(k('set'), 3),
  'SMISMEMBER 3': (p, k) => p.smismember(k('set'), 'member:1', 'member:2', 'nope'),
  'SSCAN step': (p, k) => p.sscan(k('set'), 0, 'COUNT', 10),
  'SMOVE to another set and back': (p, k) => p.smove(k('set'), k('other'), 'member:5').smove(k('other'), k('set'), 'member:5'),
  // sorted sets
  ZSCORE: (p, k, n, i) => p.zscore(k('zset'), `member:${(i * 7919) % n}`),
  'ZADD new + ZREM': (p, k, _n, i) => p.zadd(k('zset'), 0.5 + i, `new:${i}`).zrem(k('zset'), `new:${i}`),
  'ZADD existing (score change)': (p, k, n, i) => p.zadd(k('zset'), (i * 7919) % n, `member:${(i * 7919) % n}`),
  ZINCRBY: (p, k, n, i) => p.zincrby(k('zset'), 0, `member:${(i * 31) % n}`),
  ZRANK: (p, k, n, i) => p.zrank(k('zset'), `member:${(i * 7919) % n}`),
  ZREVRANK: (p, k, n, i) => p.zrevrank(k('zset'), `member:${(i * 7919) % n}`),
  ZCARD: (p, k) => p.zcard(k('zset')),
  'ZCOUNT over most of the set': (p, k, n) => p.zcount(k('zset'), 1, n - 2),
  'ZLEXCOUNT over most of the set': (p, k) => p.zlexcount(k('lex'), '[m:0001', '[m:9'),
  'ZRANGE by rank from the middle': (p, k, n) => p.zrange(k('zset'), n >> 1, (n >> 1) + 9),
  'ZRANGE by rank from the end': (p, k) => p.zrange(k('zset'), -10, -1),
  'ZRANGE REV by rank from the middle': (p, k, n) => p.zrange(k('zset'), n >> 1, (n >> 1) + 9, 'REV'),
  'ZPOPMAX + ZADD back': (p, k, n) => p.zpopmax(k('zset')).zadd(k('zset'), n + 1, 'popped-max'),
  'ZRANGE BYSCORE from the middle LIMIT 10': (p, k, n) => p.zrange(k('zset'), n >> 1, '+inf', 'BYSCORE', 'LIMIT', 0, 10),
  'ZRANGEBYSCORE REV from the middle LIMIT 10': (p, k, n) => p.zrevrangebyscore(k('zset'), n >> 1, '-inf', 'LIMIT', 0, 10),
  'ZRANGE BYLEX from the middle LIMIT 10': (p, k) => p.call('ZRANGE', k('lex'), '[m:5', '+', 'BYLEX', 'LIMIT', '0', '10'),
  'ZREVRANGEBYLEX from the middle LIMIT 10': (p, k) => p.zrevrangebylex(k('lex'), '[m:5', '-', 'LIMIT', 0, 10),
  'ZPOPMIN + ZADD back': (p, k) => p.zpopmin(k('zset')).zadd(k('zset'), -1, 'popped'),
  'ZREMRANGEBYRANK one in the middle': (p, k, n, i) => p.zremrangebyrank(k('zset'), n >> 1, n >> 1).zadd(k('zset'), n >> 1, `member:re:${i}`),
  ZRANDMEMBER: (p, k) => p.zrandmember(k('zset')),
  'ZRANDMEMBER 5 WITHSCORES': (p, k) => p.zrandmember(k('zset'), 5, 'WITHSCORES'),
  'ZMSCORE 3': (p, k) => p.zmscore(k('zset'), 'member:1', 'member:2', 'nope'),
  'ZSCAN step': (p, k) => p.zscan(k('zset'), 0, 'COUNT', 10),
  // keyspace (database SMALL_DB or BIG_DB holds n keys)
  'GET / SET': (p, _k, n, i) => p.get(`key:${(i * 7919) % n}`).set(`key:${(i * 31) % n}`, 'v'),
  EXISTS: (p, _k, n, i) => p.exists(`key:${(i * 7919) % n}`),
  'EXPIRE + TTL + PERSIST': (p, _k, n, i) => p.expire(`key:${i % n}`, 1000).ttl(`key:${i % n}`).persist(`key:${i % n}`),
  RANDOMKEY: (p) => p.randomkey(),
  DBSIZE: (p) => p.dbsize(),
  'SCAN step': (p) => p.scan(0, 'COUNT', 10),
  'TYPE + OBJECT ENCODING': (p, k) => p.type(k('zset')).object('ENCODING', k('hash')),
  'MEMORY USAGE of each collection (5 samples)': (p, k) =>
    p.memory('USAGE', k('hash')).memory('USAGE', k('set')).memory('USAGE', k('zset')).memory('USAGE', k('list')),
  'RENAME within the shard and back': (p, k) => p.rename(k('zset'), '{zset}moved').rename('{zset}moved', k('zset')),
};

/** O(n) in Redis as here: the control the test must flag. */
const CONTROL: Op = (p, k) => p.lrem(k('list'), 0, 'absent');

const SMALL_DB = 1;
const BIG_DB = 2;

async function fill(r: Redis, db: number, n: number): Promise<void> {
  await r.select(db);
  const k = (kind: string) => `${kind}`;
  const CHUNK = 5000;
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    const idx = Array.from({ length: end - start }, (_, j) => start + j);
    const p = r.pipeline();
    p.rpush(k('list'), ...idx.map((i) => `element:${i}`));
    p.hset(k('hash'), ...idx.flatMap((i) => [`field:${i}`, `value:${i}`]));
    p.sadd(k('set'), ...idx.map((i) => `member:${i}`));
    p.zadd(k('zset'), ...idx.flatMap((i) => [i, `member:${i}`]));
    p.zadd(k('lex'), ...idx.flatMap((i) => [0, `m:${String(i).padStart(6, '0')}`]));
    p.mset(...idx.flatMap((i) => [`key:${i}`, 'v']));
    await p.exec();
  }
  await r.sadd(k('other'), 'seed');
}

/** Time per call (us) of one pipeline of `calls` runs of `op` at size n, on database `db`. */
async function perCall(r: Redis, db: number, n: number, op: Op, round: number, calls = PIPE): Promise<number> {
  const p = r.pipeline();
  p.select(db);
  for (let i = 0; i < calls; i++) op(p, (kind) => kind, n, round * calls + i);
  const t = process.hrtime.bigint();
  const results = await p.exec();
  const us = Number(process.hrtime.bigint() - t) / 1000 / calls;
  for (const [err] of results!) if (err) throw err;
  return us;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

describe('big collections stay fast: no O(1) or O(log n) Redis operation is O(n) here', () => {
  let server: Awaited<ReturnType<typeof startTessera>>;
  let r: Redis;
  beforeAll(async () => {
    server = await startTessera({ threads: 0 });
    r = new Redis({ port: server.port, host: '127.0.0.1' });
    await r.flushall();
    await fill(r, SMALL_DB, SMALL);
    await fill(r, BIG_DB, BIG);
  }, 180_000);
  afterAll(async () => {
    r.disconnect();
    await server.close();
  });

  /** Growth of `op` from n=1e3 to n=3e5: [median ratio, fastest-round ratio, medians]. */
  async function growth(op: Op, calls = PIPE): Promise<{ median: number; fastest: number; small: number; big: number }> {
    const small: number[] = [];
    const big: number[] = [];
    // Warm-up, then interleaved rounds so that load on the machine hits both sizes alike.
    await perCall(r, SMALL_DB, SMALL, op, 0, calls);
    await perCall(r, BIG_DB, BIG, op, 0, calls);
    for (let round = 1; round <= ROUNDS; round++) {
      small.push(await perCall(r, SMALL_DB, SMALL, op, round, calls));
      big.push(await perCall(r, BIG_DB, BIG, op, round, calls));
    }
    const ms = median(small);
    const mb = median(big);
    return { median: mb / Math.max(ms, 1), fastest: Math.min(...big) / Math.max(Math.min(...small), 1), small: ms, big: mb };
  }

  it('per-call time at n=3e5 stays within a small factor of n=1e3', async () => {
    const report: string[] = [];
    const failures: string[] = [];
    for (const [name, op] of Object.entries(OPS)) {
      const g = await growth(op);
      report.push(`${name.padEnd(44)} ${g.small.toFixed(1).padStart(8)} us  ${g.big.toFixed(1).padStart(8)} us  median x${g.median.toFixed(2)}  fastest x${g.fastest.toFixed(2)}`);
      if (g.median > FACTOR && g.fastest > FACTOR) failures.push(`${name}: ${g.small.toFixed(1)} us at n=${SMALL}, ${g.big.toFixed(1)} us at n=${BIG}`);
    }
    if (process.env.COMPLEXITY_REPORT) console.log(report.join('\n'));
    expect(failures).toEqual([]);
  }, 300_000);

  it('the O(n) control (LREM of an absent element) is flagged, so the measure can fail', async () => {
    const g = await growth(CONTROL, 5);
    if (process.env.COMPLEXITY_REPORT) console.log(`control: ${g.small.toFixed(1)} us, ${g.big.toFixed(1)} us, median x${g.median.toFixed(2)}, fastest x${g.fastest.toFixed(2)}`);
    expect(g.median).toBeGreaterThan(FACTOR);
    expect(g.fastest).toBeGreaterThan(FACTOR);
  }, 120_000);
});
