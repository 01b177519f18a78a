/**
 * Keyspace notifications against a real redis-server: one long script of commands covering every
 * family that notifies (strings, keys, expiry, lists, hashes, sets, sorted sets, streams, bitmaps,
 * HyperLogLog, geo, SORT, blocking pops served by another client, MULTI/EXEC, Lua, cross-shard commands)
 * runs on Redis 7.0.15 and on Tessera (inline and workers) for several `notify-keyspace-events`
 * settings, while a subscriber listens on `__key*__:*`; the received (channel, message) sequences
 * must be identical. Also: active expiry, and events to a RESP3 client subscribed to its own keys.
 * Needs redis-server; skipped with a message where it is absent.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import Redis from 'ioredis';
import { startTessera } from './modes.js';
import { redisAvailable, startRedis, type RedisProcess } from '../oracle/redis-server.js';

type Step = string[] | { sleep: number } | { blocked: string[]; then: string[] };

/** The script: deterministic (no random member choice), key names spread over shards. */
const SCRIPT: Step[] = [
  // strings
  ['SET', 's1', 'v'],
  ['SET', 's1', 'v2', 'EX', '100'],
  ['SET', 's1', 'v3', 'KEEPTTL'],
  ['SET', 's1', 'v4', 'PX', '100000', 'GET'],
  ['SET', 's1', 'v5', 'NX'],
  ['SET', 'snx', 'v5', 'XX'],
  ['SETNX', 's1', 'x'],
  ['SETNX', 's2', 'x'],
  ['SETEX', 's3', '100', 'v'],
  ['PSETEX', 's4', '100000', 'v'],
  ['SETEX', 's3', '0', 'v'],
  ['GETSET', 's2', 'y'],
  ['GETSET', 'gs-new', 'y'],
  ['MSET', 'm1', 'a', 'm2', 'b', '{m}3', 'c'],
  ['MSETNX', 'm3', 'c', 'm4', 'd'],
  ['MSETNX', 'm1', 'z', 'm5', 'e'],
  ['APPEND', 's2', 'zz'],
  ['APPEND', 'newapp', 'q'],
  ['SETRANGE', 's2', '1', 'QQ'],
  ['SETRANGE', 'sr0', '0', ''],
  ['SETRANGE', 's2', '0', ''],
  ['SETRANGE', 'sr1', '3', 'x'],
  ['INCR', 'n1'],
  ['INCRBY', 'n1', '5'],
  ['DECR', 'n1'],
  ['DECRBY', 'n1', '2'],
  ['INCR', 's2'],
  ['INCRBYFLOAT', 'f1', '1.5'],
  ['GETEX', 's2', 'EX', '100'],
  ['GETEX', 's2', 'PERSIST'],
  ['GETEX', 's2', 'PERSIST'],
  ['GETEX', 's2'],
  ['GETEX', 'nokey', 'EX', '10'],
  ['SET', 'ge1', 'v'],
  ['GETEX', 'ge1', 'PXAT', '1'],
  ['SET', 'ge2', 'v'],
  ['GETEX', 'ge2', 'EX', '0'],
  ['GETDEL', 's2'],
  ['GETDEL', 'nope'],
  ['GET', 'nope'],
  ['MGET', 's1', 'nope2'],
  ['STRLEN', 'nope3'],
  ['GETRANGE', 'nope4', '0', '1'],
  ['LCS', 's1', 'nope5'],
  // keys
  ['DEL', 's1', 'nope', 'm1'],
  ['UNLINK', 'm2', 'nope'],
  ['EXISTS', 'm3', 'nope'],
  ['TYPE', 'nope'],
  ['TYPE', 'm3'],
  ['RENAME', 'm3', 'r1'],
  ['RENAME', 'r1', 'm4'],
  ['RENAME', 'm4', 'm4'],
  ['RENAMENX', 'm4', 'm5'],
  ['RENAMENX', 'm4', 'rnx'],
  ['COPY', 'rnx', 'c1'],
  ['COPY', 'rnx', 'c1'],
  ['COPY', 'rnx', 'c1', 'REPLACE'],
  ['COPY', 'rnx', 'c2', 'DB', '1'],
  ['MOVE', 'c1', '1'],
  ['MOVE', 'rnx', '1'],
  ['SET', 'k', 'v'],
  ['EXPIRE', 'k', '100'],
  ['EXPIRE', 'k', '200', 'GT'],
  ['EXPIRE', 'k', '50', 'GT'],
  ['PEXPIRE', 'k', '100000'],
  ['EXPIREAT', 'k', '4000000000'],
  ['PEXPIREAT', 'k', '4000000000000'],
  ['PERSIST', 'k'],
  ['PERSIST', 'k'],
  ['EXPIRE', 'nokey', '10'],
  ['TTL', 'nokey'],
  ['PTTL', 'k'],
  ['OBJECT', 'ENCODING', 'nokey'],
  ['TOUCH', 'k', 'nokey'],
  ['SET', 'k2', 'v'],
  ['EXPIRE', 'k2', '-1'],
  ['SET', 'k3', 'v'],
  ['PEXPIREAT', 'k3', '1'],
  // lazy expiry
  ['SET', 'lazy1', 'v', 'PX', '1'],
  ['SET', 'lazy2', 'v', 'PX', '1'],
  ['HSET', 'lazy3', 'f', 'v'],
  ['PEXPIRE', 'lazy3', '1'],
  { sleep: 30 },
  ['GET', 'lazy1'],
  ['SET', 'lazy2', 'again'],
  ['HGET', 'lazy3', 'f'],
  // lists
  ['LPUSH', 'l1', 'a', 'b', 'c'],
  ['RPUSH', 'l1', 'd'],
  ['LPUSHX', 'nol', 'x'],
  ['RPUSHX', 'l1', 'e'],
  ['LINSERT', 'l1', 'BEFORE', 'a', 'z'],
  ['LINSERT', 'l1', 'BEFORE', 'nothere', 'q'],
  ['LINSERT', 'nol', 'BEFORE', 'a', 'q'],
  ['LSET', 'l1', '0', 'y'],
  ['LTRIM', 'l1', '0', '4'],
  ['LREM', 'l1', '0', 'y'],
  ['LREM', 'l1', '0', 'nothere'],
  ['LPOP', 'l1'],
  ['RPOP', 'l1', '2'],
  ['LPOP', 'nol'],
  ['LRANGE', 'nol', '0', '-1'],
  ['LLEN', 'nol'],
  ['LINDEX', 'nol', '0'],
  ['RPUSH', 'l2', 'p', 'q'],
  ['LMOVE', 'l1', 'l2', 'LEFT', 'RIGHT'],
  ['LMOVE', 'l2', 'l2', 'LEFT', 'RIGHT'],
  ['RPOPLPUSH', 'l2', 'l1'],
  ['LMOVE', 'l1', 'l3', 'LEFT', 'LEFT'],
  ['LMPOP', '2', 'nol', 'l2', 'LEFT', 'COUNT', '10'],
  ['RPUSH', 'l4', 'a'],
  ['BLPOP', 'nol', 'l4', '1'],
  ['RPUSH', 'l5', 'a', 'b'],
  ['BRPOPLPUSH', 'l5', 'l6', '1'],
  ['BLMOVE', 'l5', 'l6', 'LEFT', 'LEFT', '1'],
  ['BLMPOP', '1', '1', 'l6', 'RIGHT', 'COUNT', '1'],
  ['LTRIM', 'l6', '1', '0'],
  ['LTRIM', 'l3', '0', '-1'],
  { blocked: ['BLPOP', 'bl1', '5'], then: ['RPUSH', 'bl1', 'x'] },
  { blocked: ['BLMOVE', 'bl2', 'bl3', 'RIGHT', 'LEFT', '5'], then: ['LPUSH', 'bl2', 'x', 'y'] },
  // hashes
  ['HSET', 'h1', 'a', '1', 'b', '2'],
  ['HSET', 'h1', 'a', '1'],
  ['HSETNX', 'h1', 'a', '3'],
  ['HSETNX', 'h1', 'c', '3'],
  ['HMSET', 'h2', 'x', '1'],
  ['HINCRBY', 'h1', 'a', '5'],
  ['HINCRBYFLOAT', 'h1', 'a', '1.5'],
  ['HINCRBY', 'h3', 'n', '1'],
  ['HDEL', 'h1', 'a', 'nope'],
  ['HDEL', 'h1', 'nope'],
  ['HDEL', 'h1', 'b', 'c'],
  ['HGET', 'nope', 'f'],
  ['HGETALL', 'nope'],
  ['HLEN', 'h2'],
  // sets
  ['SADD', 'st1', 'a', 'b', 'c'],
  ['SADD', 'st1', 'a'],
  ['SREM', 'st1', 'a'],
  ['SREM', 'st1', 'zz'],
  ['SMOVE', 'st1', 'st2', 'b'],
  ['SMOVE', 'st1', 'st2', 'nothere'],
  ['SMOVE', 'st1', 'st2', 'c'],
  ['SADD', 'st3', 'x', 'y'],
  ['SADD', 'st2', 'x'],
  ['SMOVE', 'st3', 'st2', 'x'],
  ['SINTERSTORE', 'sd1', 'st2', 'nope'],
  ['SUNIONSTORE', 'sd1', 'st2', 'st3'],
  ['SDIFFSTORE', 'sd1', 'st2', 'st3'],
  ['SINTERSTORE', 'sd1', 'st2', 'st3'],
  ['SUNIONSTORE', '{sd}1', 'st2', 'st3'],
  ['SADD', 'st4', '1'],
  ['SPOP', 'st4'],
  ['SADD', 'st5', '1', '2', '3'],
  ['SPOP', 'st5', '5'],
  ['SADD', 'st6', '1', '2', '3'],
  ['SPOP', 'st6', '0'],
  ['SPOP', 'nope'],
  ['SMEMBERS', 'nope'],
  ['SISMEMBER', 'nope', 'a'],
  ['SCARD', 'st6'],
  ['SREM', 'st6', '1', '2', '3'],
  // sorted sets
  ['ZADD', 'z1', '1', 'a', '2', 'b', '3', 'c'],
  ['ZADD', 'z1', '1', 'a'],
  ['ZADD', 'z1', 'INCR', '5', 'a'],
  ['ZADD', 'z1', 'NX', 'INCR', '5', 'a'],
  ['ZINCRBY', 'z1', '1', 'b'],
  ['ZREM', 'z1', 'a', 'nope'],
  ['ZREM', 'z1', 'nope'],
  ['ZREMRANGEBYSCORE', 'z1', '0', '1'],
  ['ZREMRANGEBYSCORE', 'z1', '100', '200'],
  ['ZREMRANGEBYRANK', 'z1', '0', '0'],
  ['ZADD', 'z2', '0', 'a', '0', 'b', '0', 'c'],
  ['ZREMRANGEBYLEX', 'z2', '[a', '[a'],
  ['ZUNIONSTORE', 'zd', '2', 'z1', 'z2'],
  ['ZINTERSTORE', 'zd', '2', 'z1', 'z2'],
  ['ZDIFFSTORE', 'zd', '1', 'z2'],
  ['ZRANGESTORE', 'zr', 'z2', '0', '-1'],
  ['ZRANGESTORE', 'zr2', 'nope', '0', '-1'],
  ['ZPOPMIN', 'z2'],
  ['ZPOPMAX', 'zd', '5'],
  ['ZMPOP', '1', 'zr', 'MIN', 'COUNT', '5'],
  ['ZADD', 'z3', '1', 'a'],
  ['BZPOPMIN', 'z3', '1'],
  ['ZADD', 'z4', '1', 'a', '2', 'b'],
  ['BZMPOP', '1', '1', 'z4', 'MAX'],
  ['ZSCORE', 'nope', 'a'],
  ['ZRANGE', 'nope', '0', '-1'],
  ['ZREMRANGEBYRANK', 'z1', '0', '-1'],
  { blocked: ['BZPOPMAX', 'bz1', '5'], then: ['ZADD', 'bz1', '1', 'a'] },
  // streams
  ['XADD', 'x1', '1-1', 'f', 'v'],
  ['XADD', 'x1', 'MAXLEN', '1', '2-1', 'f', 'v'],
  ['XADD', 'x1', 'NOMKSTREAM', '2-2', 'f', 'v'],
  ['XADD', 'xnone', 'NOMKSTREAM', '*', 'f', 'v'],
  ['XTRIM', 'x1', 'MAXLEN', '5'],
  ['XDEL', 'x1', '2-2'],
  ['XDEL', 'x1', '9-9'],
  ['XGROUP', 'CREATE', 'x1', 'g1', '$'],
  ['XGROUP', 'CREATE', 'x2', 'g1', '$', 'MKSTREAM'],
  ['XGROUP', 'SETID', 'x1', 'g1', '0'],
  ['XGROUP', 'CREATECONSUMER', 'x1', 'g1', 'c1'],
  ['XGROUP', 'CREATECONSUMER', 'x1', 'g1', 'c1'],
  ['XADD', 'x1', '3-1', 'f', 'v'],
  ['XREADGROUP', 'GROUP', 'g1', 'c2', 'COUNT', '1', 'STREAMS', 'x1', '>'],
  ['XCLAIM', 'x1', 'g1', 'c3', '0', '3-1'],
  ['XAUTOCLAIM', 'x1', 'g1', 'c4', '0', '0'],
  ['XGROUP', 'DELCONSUMER', 'x1', 'g1', 'c1'],
  ['XGROUP', 'DESTROY', 'x1', 'g1'],
  ['XGROUP', 'DESTROY', 'x1', 'g1'],
  ['XSETID', 'x1', '5-0'],
  ['XTRIM', 'x1', 'MAXLEN', '0'],
  ['XLEN', 'nope'],
  ['XRANGE', 'nope', '-', '+'],
  // bitmaps
  ['SETBIT', 'b1', '7', '1'],
  ['SETBIT', 'b1', '7', '1'],
  ['BITOP', 'AND', 'bd', 'b1', 'nope'],
  ['BITOP', 'OR', 'bd', 'nope1', 'nope2'],
  ['BITOP', 'NOT', '{b}d2', 'b1'],
  ['BITFIELD', 'b1', 'SET', 'u8', '0', '255'],
  ['BITFIELD', 'b1', 'GET', 'u8', '0'],
  ['BITFIELD', 'bf2', 'INCRBY', 'u8', '0', '1'],
  ['BITFIELD_RO', 'nope', 'GET', 'u8', '0'],
  ['GETBIT', 'nope', '0'],
  ['BITCOUNT', 'nope'],
  // HyperLogLog
  ['PFADD', 'hl', 'a', 'b'],
  ['PFADD', 'hl', 'a'],
  ['PFADD', 'hl0'],
  ['PFMERGE', 'hl2', 'hl'],
  ['PFCOUNT', 'hl'],
  // geo
  ['GEOADD', 'g1', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
  ['GEOADD', 'g1', 'NX', '13.361389', '38.115556', 'Palermo'],
  ['GEOSEARCHSTORE', 'gd', 'g1', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
  ['GEORADIUS', 'g1', '15', '37', '200', 'km', 'STORE', 'gr'],
  ['GEORADIUS', 'g1', '0', '0', '1', 'km', 'STORE', 'gr'],
  ['GEOPOS', 'nope', 'a'],
  // sort
  ['RPUSH', 'sl', '3', '1', '2'],
  ['SORT', 'sl', 'STORE', 'so'],
  ['SORT', 'nope', 'STORE', 'so'],
  ['SORT', 'sl'],
  // transactions and cross-shard commands
  ['MULTI'],
  ['SET', 't1', 'a'],
  ['INCR', 't2'],
  ['LPUSH', 't3', 'x'],
  ['EXEC'],
  ['EVAL', "redis.call('SET', KEYS[1], 'v'); redis.call('LPUSH', KEYS[2], 'x'); redis.call('DEL', KEYS[1]); return redis.call('GET', KEYS[1])", '2', '{lua}1', '{lua}2'],
  ['MSET', 'xa', '1', 'xb', '2', 'xc', '3', 'xd', '4'],
  ['DEL', 'xa', 'xb', 'xc', 'xd', 'xe'],
  // databases and flushes
  ['SELECT', '1'],
  ['SET', 'db1key', 'v'],
  ['DEL', 'db1key', 'c2'],
  ['SELECT', '0'],
  ['SWAPDB', '0', '1'],
  ['SWAPDB', '0', '1'],
  ['FLUSHDB'],
  ['SET', 'last', 'v'],
];

/** The notify-keyspace-events settings the script runs under. */
const SETTINGS = ['KEA', 'AKEmn', 'Kg', 'E$', 'Elshz', 'KExt', 'Edh', 'Km', 'En', 'g$lshzxetd'];

interface Target {
  port: number;
}

async function connect(port: number): Promise<Redis> {
  const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  await c.connect();
  return c;
}

async function call(c: Redis, args: string[]): Promise<unknown> {
  try {
    return await c.call(args[0], ...args.slice(1));
  } catch (e) {
    return `ERR:${(e as Error).message}`;
  }
}

/** Runs the script under `setting` and returns every message the `__key*__:*` subscriber received. */
async function recordEvents(target: Target, setting: string, script: Step[]): Promise<string[]> {
  const cmd = await connect(target.port);
  const sub = await connect(target.port);
  const got: string[] = [];
  let ended: () => void = () => undefined;
  const end = new Promise<void>((r) => (ended = r));
  try {
    await call(cmd, ['FLUSHALL']);
    await call(cmd, ['DEBUG', 'SET-ACTIVE-EXPIRE', '0']);
    sub.on('pmessageBuffer', (_p: Buffer, ch: Buffer, m: Buffer) => {
      const channel = ch.toString('latin1');
      if (channel === '__keyend__:end') ended();
      else got.push(`${channel} ${m.toString('latin1')}`);
    });
    await sub.psubscribe('__key*__:*');
    expect(await call(cmd, ['CONFIG', 'SET', 'notify-keyspace-events', setting])).toBe('OK');
    for (const step of script) {
      if (Array.isArray(step)) await call(cmd, step);
      else if ('sleep' in step) await new Promise((r) => setTimeout(r, step.sleep));
      else {
        const other = await connect(target.port);
        try {
          const waiting = call(other, step.blocked);
          // Parked before the write that serves it.
          for (let i = 0; i < 100; i++) {
            const list = (await cmd.call('CLIENT', 'LIST')) as string;
            if (list.includes('flags=b')) break;
            await new Promise((r) => setTimeout(r, 10));
          }
          await call(cmd, step.then);
          await waiting;
        } finally {
          other.disconnect();
        }
      }
    }
    await call(cmd, ['CONFIG', 'SET', 'notify-keyspace-events', '']);
    await call(cmd, ['PUBLISH', '__keyend__:end', 'end']);
    await Promise.race([end, new Promise((_, rej) => setTimeout(() => rej(new Error(`no end marker; got ${JSON.stringify(got)}`)), 5000))]);
    await call(cmd, ['DEBUG', 'SET-ACTIVE-EXPIRE', '1']);
    return got;
  } finally {
    cmd.disconnect();
    sub.disconnect();
  }
}

const haveRedis = redisAvailable();
if (!haveRedis) console.warn('notifications.test.ts: redis-server not found, comparisons with Redis skipped');

describe.skipIf(!haveRedis)('keyspace notifications match Redis 7.0.15', () => {
  let redis: RedisProcess;
  const tessera: Array<{ name: string; port: number; close(): Promise<void> }> = [];
  const expected = new Map<string, string[]>();

  beforeAll(async () => {
    redis = await startRedis();
    for (const setting of SETTINGS) expected.set(setting, await recordEvents({ port: redis.port }, setting, SCRIPT));
    for (const [name, threads] of [['inline', 0], ['workers', 2]] as const) {
      const s = await startTessera({ threads });
      tessera.push({ name, port: s.port, close: () => s.close() });
    }
  }, 120_000);

  afterAll(async () => {
    await redis?.close();
    for (const t of tessera) await t.close();
  });

  it('the script produces events under every setting (the comparison is not vacuous)', () => {
    expect(expected.get('KEA')!.length).toBeGreaterThan(300);
    for (const setting of SETTINGS) if (/[KE]/.test(setting)) expect(expected.get(setting)!.length, setting).toBeGreaterThan(0);
    expect(expected.get('g$lshzxetd')).toEqual([]);
  });

  /** A RESP3 connection subscribed to its own keys: every byte it receives after HELLO. */
  async function selfSubscribed(port: number): Promise<string> {
    const commands = [
      ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'],
      ['PSUBSCRIBE', '__keyspace@0__:self*'],
      ['SET', 'self1', 'v'],
      ['LPUSH', 'self2', 'a', 'b'],
      ['MULTI'],
      ['SET', 'self3', 'v'],
      ['INCR', 'other'],
      ['DEL', 'self1', 'self3'],
      ['EXEC'],
      ['MSET', 'self4', '1', 'self5', '2', 'self6', '3'],
      ['HSET', 'selfh', 'f', '1'],
      ['HSETNX', 'selfh', 'g', '1'],
      ['HINCRBY', 'selfh', 'f', '1'],
      ['HINCRBYFLOAT', 'selfh', 'f', '1.5'],
      ['HDEL', 'selfh', 'f', 'g'],
      ['LSET', 'self2', '0', 'z'],
      ['LINSERT', 'self2', 'BEFORE', 'z', 'y'],
      ['LTRIM', 'self2', '0', '1'],
      ['RPOP', 'self2'],
      ['LMOVE', 'self2', 'selfl', 'LEFT', 'RIGHT'],
      ['SADD', 'selfs', 'a', 'b'],
      ['SINTERSTORE', 'selfs2', 'selfs'],
      ['SUNIONSTORE', 'selfs2', 'selfs', 'nothing'],
      ['SINTERSTORE', 'selfs2', 'selfs', 'nothing'],
      ['SMOVE', 'selfs', 'selfs3', 'a'],
      ['SPOP', 'selfs'],
      ['ZADD', 'selfz', '1', 'a', '2', 'b'],
      ['ZINCRBY', 'selfz', '1', 'a'],
      ['ZREM', 'selfz', 'a'],
      ['ZPOPMIN', 'selfz'],
      ['GEOADD', 'selfg', '13.361389', '38.115556', 'Palermo'],
      ['XADD', 'selfx', '1-1', 'f', 'v'],
      ['XGROUP', 'CREATE', 'selfx', 'g', '0'],
      ['XGROUP', 'SETID', 'selfx', 'g', '0'],
      ['XGROUP', 'CREATECONSUMER', 'selfx', 'g', 'c'],
      ['XGROUP', 'DELCONSUMER', 'selfx', 'g', 'c'],
      ['XGROUP', 'DESTROY', 'selfx', 'g'],
      ['XSETID', 'selfx', '5-0'],
      ['XTRIM', 'selfx', 'MAXLEN', '0'],
      ['EXPIRE', 'selfx', '100'],
      ['PERSIST', 'selfx'],
      ['EXPIRE', 'selfx', '-1'],
      ['SETBIT', 'selfb', '1', '1'],
      ['BITFIELD', 'selfb', 'SET', 'u8', '0', '1'],
      ['PFADD', 'selfp', 'a'],
      ['INCRBYFLOAT', 'selff', '1'],
      ['APPEND', 'selff', '1'],
      ['SETRANGE', 'selff', '0', '2'],
      ['GETDEL', 'selff'],
      ['RENAME', 'self4', 'self7'],
      ['CONFIG', 'SET', 'notify-keyspace-events', ''],
      ['DEL', 'self2', 'self4', 'self5', 'self6', 'self7', 'other', 'selfl', 'selfs', 'selfs2', 'selfs3', 'selfz', 'selfg', 'selfb', 'selfp'],
      ['PING'],
    ];
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
    const encode = (args: string[]) => `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
    socket.write(encode(['HELLO', '3']));
    const deadline = Date.now() + 5000;
    while (!data.includes('modules') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    data = '';
    socket.write(commands.map(encode).join(''));
    while (!data.endsWith('+PONG\r\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    socket.destroy();
    return data;
  }

  it('a RESP3 client subscribed to its own keys gets each notification ahead of the reply that caused it', async () => {
    const expectedBytes = await selfSubscribed(redis.port);
    expect(expectedBytes).toContain('>4\r\n$8\r\npmessage');
    for (const t of tessera) expect(await selfSubscribed(t.port), t.name).toBe(expectedBytes);
  });

  for (const mode of ['inline', 'workers']) {
    for (const setting of SETTINGS) {
      it(`${mode}: notify-keyspace-events ${setting} gives the same message sequence`, async () => {
        const t = tessera.find((x) => x.name === mode)!;
        const got = await recordEvents(t, setting, SCRIPT);
        expect(got).toEqual(expected.get(setting));
      }, 60_000);
    }
  }
});

describe('keyspace notifications, own behaviour', () => {
  for (const [mode, threads] of [['inline', 0], ['workers', 2]] as const) {
    describe(mode, () => {
      let server: Awaited<ReturnType<typeof startTessera>>;
      beforeAll(async () => {
        server = await startTessera({ threads, hz: 50 });
      });
      afterAll(async () => {
        await server?.close();
      });

      it('the active expiry cycle publishes expired events without any command touching the keys', async () => {
        const cmd = await connect(server.port);
        const sub = await connect(server.port);
        try {
          await cmd.config('SET', 'notify-keyspace-events', 'Ex');
          const got: string[] = [];
          sub.on('pmessage', (_p: string, ch: string, m: string) => got.push(`${ch} ${m}`));
          await sub.psubscribe('__keyevent@*__:expired');
          for (let i = 0; i < 50; i++) await cmd.set(`ae${i}`, 'v', 'PX', 20);
          const deadline = Date.now() + 5000;
          while (got.length < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          expect(got.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `__keyevent@0__:expired ae${i}`).sort());
          expect(await cmd.dbsize()).toBe(0);
        } finally {
          await cmd.config('SET', 'notify-keyspace-events', '');
          cmd.disconnect();
          sub.disconnect();
        }
      });

      it('with notifications off nothing is published', async () => {
        const cmd = await connect(server.port);
        const sub = await connect(server.port);
        try {
          const got: string[] = [];
          sub.on('pmessage', (_p: string, ch: string) => got.push(ch));
          await sub.psubscribe('*');
          await cmd.set('quiet', 'v');
          await cmd.del('quiet');
          await cmd.publish('marker', 'x');
          const deadline = Date.now() + 2000;
          while (got.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
          expect(got).toEqual(['marker']);
        } finally {
          cmd.disconnect();
          sub.disconnect();
        }
      });
    });
  }
});
