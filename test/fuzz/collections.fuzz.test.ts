/**
 * Randomised model test: long random command sequences on lists, hashes, sets and sorted sets, run
 * against a real redis-server and against Tessera; every reply must agree (unordered replies are
 * compared sorted). Small thresholds make the encodings convert back and forth. Seeded: a failure
 * prints its seed and step.
 */
import { describe, it, expect } from 'vitest';
import { elements } from '../oracle/resp-client.js';
import { redisAvailable } from '../oracle/redis-server.js';
import { MODES, redisAndTessera } from '../integration/modes.js';
import { fuzzRandom as rng } from '../unit/prng.js';

const STEPS = 4000;
const haveRedis = redisAvailable();
if (!haveRedis) console.warn('collections fuzz SKIPPED: redis-server is not installed (apt-get install -y redis-server redis-tools)');

/** Replies whose element order is the server's hash order. */
const UNORDERED = new Set(['smembers', 'sinter', 'sunion', 'sdiff', 'hkeys', 'hvals']);

function generator(r: () => number): () => { args: string[]; unordered: boolean } {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (n: number) => Math.floor(r() * n);
  const member = () => pick(['a', 'b', 'c', 'd', 'e', '1', '2', '3', '10', '-5', 'long-member-value-' + int(4), String(int(40))]);
  const key = (t: string) => `${t}{${int(2)}}:${int(3)}`;
  const idx = () => String(int(12) - 6);
  const score = () => pick(['1', '2', '2.5', '-1', '0', '+inf', '-inf', String(int(20))]);
  const commands: Array<() => string[]> = [
    () => ['RPUSH', key('l'), member(), member()],
    () => ['LPUSH', key('l'), member()],
    () => ['LPOP', key('l')],
    () => ['RPOP', key('l'), String(int(3))],
    () => ['LRANGE', key('l'), idx(), idx()],
    () => ['LINDEX', key('l'), idx()],
    () => ['LSET', key('l'), idx(), member()],
    () => ['LREM', key('l'), idx(), member()],
    () => ['LINSERT', key('l'), pick(['BEFORE', 'AFTER']), member(), member()],
    () => ['LTRIM', key('l'), idx(), idx()],
    () => ['LMOVE', key('l'), key('l'), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT'])],
    () => ['LPOS', key('l'), member(), 'RANK', pick(['1', '-1', '2'])],
    () => ['LLEN', key('l')],
    () => ['HSET', key('h'), member(), member(), member(), member()],
    () => ['HDEL', key('h'), member()],
    () => ['HGET', key('h'), member()],
    () => ['HINCRBY', key('h'), member(), String(int(10))],
    () => ['HLEN', key('h')],
    () => ['HKEYS', key('h')],
    () => ['HVALS', key('h')],
    () => ['HSTRLEN', key('h'), member()],
    () => ['SADD', key('s'), member(), member(), member()],
    () => ['SREM', key('s'), member()],
    () => ['SISMEMBER', key('s'), member()],
    () => ['SCARD', key('s')],
    () => ['SMEMBERS', key('s')],
    () => ['SINTER', key('s'), key('s')],
    () => ['SUNION', key('s'), key('s')],
    () => ['SDIFF', key('s'), key('s')],
    () => ['SUNIONSTORE', key('s'), key('s'), key('s')],
    () => ['SMOVE', key('s'), key('s'), member()],
    () => ['ZADD', key('z'), score(), member(), score(), member()],
    () => ['ZINCRBY', key('z'), score(), member()],
    () => ['ZREM', key('z'), member()],
    () => ['ZRANGE', key('z'), idx(), idx(), 'WITHSCORES'],
    () => ['ZRANGEBYSCORE', key('z'), pick(['-inf', '(1', '0']), pick(['+inf', '5', '(10'])],
    () => ['ZRANK', key('z'), member()],
    () => ['ZSCORE', key('z'), member()],
    () => ['ZCOUNT', key('z'), '-inf', pick(['+inf', '2'])],
    () => ['ZPOPMIN', key('z')],
    () => ['ZUNIONSTORE', key('z'), '2', key('z'), key('z')],
    () => ['ZINTERSTORE', key('z'), '2', key('z'), key('s'), 'AGGREGATE', pick(['SUM', 'MIN', 'MAX'])],
    () => ['ZREMRANGEBYRANK', key('z'), idx(), idx()],
    () => ['TYPE', key(pick(['l', 'h', 's', 'z']))],
    () => ['OBJECT', 'ENCODING', key(pick(['l', 'h', 's', 'z']))],
    () => ['DEL', key(pick(['l', 'h', 's', 'z']))],
    () => ['RENAME', key(pick(['l', 'h', 's', 'z'])), key(pick(['l', 'h', 's', 'z']))],
  ];
  return () => {
    const args = pick(commands)();
    const name = args[0].toLowerCase();
    return { args, unordered: UNORDERED.has(name) };
  };
}

function normalised(reply: Buffer, unordered: boolean): string {
  const els = unordered ? elements(reply) : null;
  if (els === null) return reply.toString('latin1');
  return `${String.fromCharCode(reply[0])}${els.length} ${els.map((e) => e.toString('latin1')).sort().join('|')}`;
}

const SETUP = [
  ['CONFIG', 'SET', 'hash-max-listpack-entries', '4'],
  ['CONFIG', 'SET', 'set-max-intset-entries', '4'],
  ['CONFIG', 'SET', 'zset-max-listpack-entries', '4'],
  ['CONFIG', 'SET', 'list-max-listpack-size', '4'],
  ['FLUSHALL'],
];

for (const mode of MODES.slice(0, 2)) {
  describe.skipIf(!haveRedis)(`random collection commands agree with redis-server, ${mode.name}`, () => {
    const pair = redisAndTessera(mode.options);

    for (const seed of [1, 2, 3]) {
      it(`seed ${seed}: ${STEPS} commands, same replies`, async () => {
        for (const c of SETUP) {
          await pair.redis.call(c.map((a) => Buffer.from(a)));
          await pair.tessera.call(c.map((a) => Buffer.from(a)));
        }
        const next = generator(rng(seed * 7919 + mode.name.length));
        for (let step = 0; step < STEPS; step++) {
          const { args, unordered } = next();
          const bufs = args.map((a) => Buffer.from(a));
          const expected = normalised(await pair.redis.call(bufs), unordered);
          const actual = normalised(await pair.tessera.call(bufs), unordered);
          expect(actual, `seed ${seed} step ${step}: ${args.join(' ')}`).toBe(expected);
        }
      }, 120000);
    }
  });
}
