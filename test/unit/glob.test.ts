import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { globMatch, globMatchBytes, isMatchAll } from '../../src/commands/glob.js';
import { redisAvailable, startRedis, type RedisProcess } from '../oracle/redis-server.js';
import { RawClient, elements } from '../oracle/resp-client.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const match = (p: string, s: string, nocase = false) => globMatchBytes(b(p), b(s), nocase);
/** The payload of a raw RESP bulk string. */
const bulkText = (raw: Buffer) => raw.toString('latin1', raw.indexOf(10) + 1, raw.length - 2);

describe('glob matching (Redis stringmatchlen)', () => {
  it('matches literals, ? and * including empty runs', () => {
    expect(match('hello', 'hello')).toBe(true);
    expect(match('hello', 'hell')).toBe(false);
    expect(match('h?llo', 'hallo')).toBe(true);
    expect(match('h?llo', 'hllo')).toBe(false);
    expect(match('h*llo', 'hllo')).toBe(true);
    expect(match('h*llo', 'heeeello')).toBe(true);
    // As in Redis, a lone '*' needs at least one byte: KEYS/SCAN special-case the pattern "*".
    expect(match('*', '')).toBe(false);
    expect(match('*', 'x')).toBe(true);
    expect(match('', '')).toBe(true);
    expect(match('', 'a')).toBe(false);
    expect(match('a*', 'a')).toBe(true);
    expect(match('a**', 'a')).toBe(true);
    expect(match('a*?', 'a')).toBe(false);
    expect(match('*a', 'ba')).toBe(true);
    expect(match('*a', 'ab')).toBe(false);
  });

  it('matches classes, negated classes and ranges in either order', () => {
    expect(match('h[ae]llo', 'hello')).toBe(true);
    expect(match('h[ae]llo', 'hillo')).toBe(false);
    expect(match('h[^e]llo', 'hallo')).toBe(true);
    expect(match('h[^e]llo', 'hello')).toBe(false);
    expect(match('h[a-b]llo', 'hbllo')).toBe(true);
    expect(match('h[b-a]llo', 'hbllo')).toBe(true);
    expect(match('h[a-b]llo', 'hcllo')).toBe(false);
    expect(match('[\\]]', ']')).toBe(true);
    // "[a-]" is the range a..']' (the closing bracket is consumed as the range end).
    expect(match('[a-]', '-')).toBe(false);
    expect(match('[a-]', '^')).toBe(true);
  });

  it('treats an unterminated class as ending at the pattern end', () => {
    expect(match('[abc', 'a')).toBe(true);
    expect(match('[abc', 'd')).toBe(false);
    expect(match('[^', 'x')).toBe(true);
    expect(match('[', 'x')).toBe(false);
  });

  it('honours backslash escapes and a trailing backslash', () => {
    expect(match('\\*', '*')).toBe(true);
    expect(match('\\*', 'a')).toBe(false);
    expect(match('a\\', 'a\\')).toBe(true);
    expect(match('\\?x', '?x')).toBe(true);
  });

  it('compares bytes as signed chars in ranges, as Redis on x86 does', () => {
    // [\x80-a] holds the negative chars and 0..'a'.
    expect(match('[\x80-a]', '\xff')).toBe(true);
    expect(match('[\x80-a]', 'A')).toBe(true);
    expect(match('[\x80-a]', 'b')).toBe(false);
    // [a-\xff] is the range -1..'a'.
    expect(match('[a-\xff]', 'b')).toBe(false);
    expect(match('[a-\xff]', '\xff')).toBe(true);
    expect(match('[a-\xff]', '\x80')).toBe(false);
  });

  it('folds ASCII case only with nocase', () => {
    expect(match('HeLLo', 'hello', true)).toBe(true);
    expect(match('HeLLo', 'hello')).toBe(false);
    expect(match('[A-C]x', 'bX', true)).toBe(true);
    expect(match('[^A]', 'a', true)).toBe(false);
  });

  it('works on byte ranges inside larger buffers', () => {
    const pat = b('xx*bxx');
    const str = b('--aab--');
    expect(globMatch(pat, 2, 4, str, 2, 5)).toBe(true);
    expect(globMatch(pat, 2, 4, str, 2, 4)).toBe(false);
    expect(isMatchAll(pat, 2, 3)).toBe(true);
    expect(isMatchAll(pat, 1, 3)).toBe(false);
  });

  it('gives up quickly on patterns that would backtrack exponentially', () => {
    const start = performance.now();
    expect(match('a*'.repeat(30) + 'b', 'a'.repeat(60))).toBe(false);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('handles patterns with a hundred thousand stars without deep recursion', () => {
    expect(match('a*'.repeat(100000) + 'b', 'a'.repeat(100005))).toBe(false);
    expect(match('a*'.repeat(100000), 'a'.repeat(100005))).toBe(true);
  });
});

const haveRedis = redisAvailable();
if (!haveRedis) console.warn('glob comparison with redis-server SKIPPED: redis-server is not installed');

describe.skipIf(!haveRedis)('glob matching agrees with redis-server KEYS', () => {
  let redis: RedisProcess;
  let client: RawClient;
  beforeAll(async () => {
    redis = await startRedis();
    client = await RawClient.connect(redis.port);
  });
  afterAll(async () => {
    client?.close();
    await redis?.close();
  });

  it('on random patterns over a small alphabet', async () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const keyChars = ['a', 'b', 'A', '-', '[', ']', '*', '\\', '\x80', '\xff', '^'];
    const patChars = [...keyChars, '*', '*', '?', '[', ']', '^', '-', '\\'];
    const keys = new Set<string>(['']);
    while (keys.size < 150) {
      let s = '';
      const n = rand(6);
      for (let i = 0; i < n; i++) s += keyChars[rand(keyChars.length)];
      keys.add(s);
    }
    const keyList = [...keys];
    await client.call([b('FLUSHALL')]);
    await client.call([b('MSET'), ...keyList.flatMap((k) => [b(k), b('v')])]);
    for (let t = 0; t < 1500; t++) {
      let p = '';
      const n = rand(10);
      for (let i = 0; i < n; i++) p += patChars[rand(patChars.length)];
      const reply = await client.call([b('KEYS'), b(p)]);
      const expected = elements(reply)!.map(bulkText).sort();
      const actual = keyList.filter((k) => p === '*' || match(p, k)).sort();
      expect(actual, `pattern ${JSON.stringify(p)}`).toEqual(expected);
    }
  });
});
