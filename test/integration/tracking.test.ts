/**
 * Client-side caching against a real redis-server: scripted conversations between a tracking client,
 * a writer and (for REDIRECT) a RESP2 subscriber run on Redis 7.0.15 and on Tessera (inline and
 * workers); every byte each connection receives must be the same. Covers default mode (RESP3 pushes,
 * invalidation of keys read, self-invalidation after the reply, NOLOOP, expiry, FLUSHALL/FLUSHDB
 * nulls, MULTI/EXEC), OPTIN/OPTOUT with CLIENT CACHING, BCAST with prefixes and NOLOOP, RESP2
 * REDIRECT to a subscriber of __redis__:invalidate and a broken redirection, CLIENT TRACKINGINFO and
 * GETREDIR. Needs redis-server; skipped with a message where it is absent.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import { startTessera } from './modes.js';
import { redisAvailable, startRedis, type RedisProcess } from '../oracle/redis-server.js';
import { replyEnd } from '../oracle/resp-client.js';

/** A step: [connection, ...command]; '$ID:r' in an argument is the id of connection r. */
type Step = string[] | { sleep: number };

class Conn {
  private buf = Buffer.alloc(0);
  /** Every complete reply or push received, as latin1 text. */
  readonly frames: string[] = [];
  id = 0;
  /** Inside MULTI: a PING would only be queued, so no sync. */
  inMulti = false;
  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const end = replyEnd(this.buf, 0);
        if (end < 0) break;
        this.frames.push(this.buf.subarray(0, end).toString('latin1'));
        this.buf = this.buf.subarray(end);
      }
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<Conn> {
    const s = net.connect(port, '127.0.0.1');
    await new Promise<void>((r, j) => {
      s.once('connect', () => r());
      s.once('error', j);
    });
    return new Conn(s);
  }

  send(args: string[]): void {
    this.socket.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''));
  }

  async waitFrames(n: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while (this.frames.length < n) {
      if (Date.now() > deadline) throw new Error(`waited for ${n} frames, got ${JSON.stringify(this.frames)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Sends a command and waits for its reply (and any push that came first). */
  async call(args: string[]): Promise<void> {
    const before = this.frames.length;
    this.send(args);
    await this.waitFrames(before + 1);
  }
}

const PONGS = ['+PONG\r\n', '*2\r\n$4\r\npong\r\n$0\r\n\r\n'];

/** Opens and closes connections until client ids are past 100, so no id looks like a small integer reply. */
async function burnClientIds(port: number): Promise<void> {
  for (;;) {
    const c = await Conn.open(port);
    c.send(['CLIENT', 'ID']);
    await c.waitFrames(1);
    c.socket.destroy();
    if (Number(c.frames[0].slice(1, -2)) >= 100) return;
  }
}

/** Runs a conversation; returns, per connection, the frames it received (ids replaced by names). */
async function converse(port: number, names: Record<string, 2 | 3>, steps: Step[]): Promise<Record<string, string[]>> {
  const conns: Record<string, Conn> = {};
  for (const [name, resp] of Object.entries(names)) {
    const c = await Conn.open(port);
    c.send(['CLIENT', 'ID']);
    await c.waitFrames(1);
    c.id = Number(c.frames[0].slice(1, -2));
    if (resp === 3) {
      c.send(['HELLO', '3']);
      await c.waitFrames(2);
    }
    c.frames.length = 0;
    conns[name] = c;
  }
  const synced = async (): Promise<void> => {
    // A PING on every connection: its reply comes after anything already queued for it.
    for (const c of Object.values(conns)) {
      if (c.socket.destroyed || c.inMulti) continue;
      const n = c.frames.length;
      c.send(['PING']);
      await c.waitFrames(n + 1);
      // A push may arrive before the PONG: wait for the PONG itself.
      const deadline = Date.now() + 5000;
      while (!c.frames.slice(n).some((f) => PONGS.includes(f)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    }
  };
  try {
    for (const step of steps) {
      if (!Array.isArray(step)) {
        await new Promise((r) => setTimeout(r, step.sleep));
        continue;
      }
      const [who, ...cmd] = step;
      const c = conns[who];
      const args = cmd.map((a) => (a.startsWith('$ID:') ? String(conns[a.slice(4)].id) : a));
      if (args[0] === 'QUIT') {
        await c.call(args);
        c.socket.destroy();
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      await c.call(args);
      const name = args[0].toUpperCase();
      if (name === 'MULTI') c.inMulti = true;
      else if (name === 'EXEC' || name === 'DISCARD') c.inMulti = false;
      await synced();
    }
    const out: Record<string, string[]> = {};
    for (const [name, c] of Object.entries(conns)) {
      out[name] = c.frames.map((f) => {
        let t = f;
        // Integer replies and elements only (a key such as user:1 stays).
        for (const [other, oc] of Object.entries(conns)) t = t.replace(new RegExp(`(^|\\n):${oc.id}\r\n`, 'g'), `$1:<id ${other}>\r\n`);
        return t;
      });
    }
    return out;
  } finally {
    for (const c of Object.values(conns)) c.socket.destroy();
  }
}

const CONVERSATIONS: Array<{ title: string; names: Record<string, 2 | 3>; steps: Step[] }> = [
  {
    title: 'default mode: keys read are invalidated once when written, by others or by the reader itself',
    names: { t: 3, w: 2 },
    steps: [
      ['w', 'FLUSHALL'],
      ['t', 'CLIENT', 'TRACKING', 'ON'],
      ['t', 'CLIENT', 'TRACKINGINFO'],
      ['t', 'CLIENT', 'GETREDIR'],
      ['t', 'GET', 'a'],
      ['w', 'SET', 'a', '1'],
      ['w', 'SET', 'a', '2'],
      ['t', 'GET', 'a'],
      ['t', 'MGET', 'a', 'b', '{a}c'],
      ['w', 'MSET', 'a', '2', 'b', '3', 'x', '4'],
      ['t', 'EXISTS', 'b'],
      ['w', 'DEL', 'b', 'nothing'],
      ['t', 'GET', 'a'],
      ['t', 'SET', 'a', 'mine'],
      ['t', 'GET', 'a'],
      ['t', 'INCR', 'a'],
      ['t', 'HGETALL', 'h'],
      ['w', 'HSET', 'h', 'f', 'v'],
      ['t', 'SMEMBERS', 's'],
      ['t', 'ZRANGE', 'z', '0', '-1'],
      ['t', 'LRANGE', 'l', '0', '-1'],
      ['w', 'SADD', 's', 'x'],
      ['w', 'ZADD', 'z', '1', 'x'],
      ['w', 'RPUSH', 'l', 'x'],
      ['w', 'SADD', 's', 'x'],
      ['t', 'GET', 'src'],
      ['t', 'GET', 'dst'],
      ['w', 'SET', 'src', 'v'],
      ['t', 'GET', 'src'],
      ['w', 'SUNIONSTORE', 'dst', 'src2'],
      ['w', 'RENAME', 'src', 'dst'],
      ['t', 'GET', 'e'],
      ['w', 'DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      ['w', 'SET', 'e', 'v', 'PX', '400'],
      ['t', 'GET', 'e'],
      { sleep: 600 },
      ['t', 'GET', 'e'],
      ['w', 'DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
      ['t', 'MULTI'],
      ['t', 'GET', 'm1'],
      ['t', 'SET', 'm1', 'v'],
      ['t', 'GET', 'm1'],
      ['t', 'EXEC'],
      ['w', 'SET', 'm1', 'w'],
      ['t', 'CLIENT', 'TRACKING', 'ON', 'NOLOOP'],
      ['t', 'CLIENT', 'TRACKINGINFO'],
      ['t', 'GET', 'n'],
      ['t', 'SET', 'n', 'mine'],
      ['t', 'GET', 'n'],
      ['w', 'SET', 'n', 'theirs'],
      ['t', 'GET', 'f'],
      ['w', 'FLUSHALL'],
      ['t', 'GET', 'f'],
      ['t', 'FLUSHDB'],
      ['t', 'CLIENT', 'TRACKING', 'OFF'],
      ['t', 'GET', 'g'],
      ['w', 'SET', 'g', 'v'],
      ['t', 'CLIENT', 'TRACKINGINFO'],
      ['t', 'CLIENT', 'GETREDIR'],
    ],
  },
  {
    title: 'OPTIN and OPTOUT: CLIENT CACHING decides for the next command (MULTI counts as one)',
    names: { t: 3, w: 2 },
    steps: [
      ['w', 'FLUSHALL'],
      ['t', 'CLIENT', 'TRACKING', 'ON', 'OPTIN'],
      ['t', 'GET', 'a'],
      ['w', 'SET', 'a', '1'],
      ['t', 'CLIENT', 'CACHING', 'YES'],
      ['t', 'CLIENT', 'TRACKINGINFO'],
      ['t', 'GET', 'a'],
      ['t', 'CLIENT', 'TRACKINGINFO'],
      ['t', 'GET', 'b'],
      ['w', 'MSET', 'a', '2', 'b', '2'],
      ['t', 'CLIENT', 'CACHING', 'YES'],
      ['t', 'CLIENT', 'GETREDIR'],
      ['t', 'GET', 'c'],
      ['w', 'SET', 'c', '1'],
      ['t', 'CLIENT', 'CACHING', 'YES'],
      ['t', 'MULTI'],
      ['t', 'GET', 'd'],
      ['t', 'GET', 'e'],
      ['t', 'EXEC'],
      ['t', 'GET', 'f'],
      ['w', 'MSET', 'd', '1', 'e', '1', 'f', '1'],
      ['t', 'CLIENT', 'CACHING', 'NO'],
      ['t', 'CLIENT', 'TRACKING', 'ON', 'OPTOUT'],
      ['t', 'CLIENT', 'TRACKING', 'OFF'],
      ['t', 'CLIENT', 'TRACKING', 'ON', 'OPTOUT'],
      ['t', 'GET', 'g'],
      ['t', 'CLIENT', 'CACHING', 'NO'],
      ['t', 'CLIENT', 'TRACKINGINFO'],
      ['t', 'GET', 'h'],
      ['t', 'GET', 'i'],
      ['w', 'MSET', 'g', '1', 'h', '1', 'i', '1'],
      ['t', 'CLIENT', 'CACHING', 'YES'],
    ],
  },
  {
    title: 'BCAST: keys written under each prefix are broadcast once per event-loop turn, NOLOOP leaves out own writes',
    names: { t: 3, w: 2, u: 3 },
    steps: [
      ['w', 'FLUSHALL'],
      ['t', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'obj:'],
      ['t', 'CLIENT', 'TRACKINGINFO'],
      ['u', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'NOLOOP'],
      ['u', 'CLIENT', 'TRACKINGINFO'],
      ['w', 'SET', 'user:1', 'x'],
      ['w', 'SET', 'other', 'y'],
      ['w', 'MSET', 'user:2', 'a', 'obj:1', 'b', 'user:0', 'c'],
      ['t', 'SET', 'user:3', 'z'],
      ['u', 'SET', 'mine', '1'],
      ['u', 'MSET', 'mine', '2', 'obj:2', 'x'],
      ['t', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'more:'],
      ['t', 'CLIENT', 'TRACKINGINFO'],
      ['w', 'SET', 'more:1', 'x'],
      ['w', 'DEL', 'user:1', 'more:1'],
      ['w', 'FLUSHALL'],
      ['t', 'CLIENT', 'TRACKING', 'OFF'],
      ['w', 'SET', 'user:9', 'x'],
    ],
  },
  {
    title: 'RESP2 with REDIRECT: invalidations arrive on __redis__:invalidate; a redirection to a closed client breaks',
    names: { t: 2, r: 2, t3: 3, r3: 2, w: 2 },
    steps: [
      ['w', 'FLUSHALL'],
      ['r', 'SUBSCRIBE', '__redis__:invalidate'],
      ['t', 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$ID:r'],
      ['t', 'CLIENT', 'GETREDIR'],
      ['t', 'CLIENT', 'TRACKINGINFO'],
      ['t', 'GET', 'a'],
      ['t', 'SET', 'a', '1'],
      ['t', 'GET', 'a'],
      ['t3', 'SET', 'a', '2'],
      ['t', 'GET', 'b'],
      ['t', 'FLUSHALL'],
      ['r3', 'SUBSCRIBE', 'other'],
      ['t3', 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$ID:r3'],
      ['t3', 'GET', 'c'],
      ['t', 'SET', 'c', '1'],
      ['t', 'GET', 'd'],
      ['t3', 'GET', 'd'],
      ['r', 'QUIT'],
      ['r3', 'QUIT'],
      ['t3', 'SET', 'd', '1'],
      ['t', 'CLIENT', 'TRACKINGINFO'],
      ['t3', 'CLIENT', 'TRACKINGINFO'],
      ['t3', 'GET', 'd'],
      ['t3', 'SET', 'd', '2'],
      ['t3', 'CLIENT', 'TRACKINGINFO'],
    ],
  },
];

const haveRedis = redisAvailable();
if (!haveRedis) console.warn('tracking.test.ts: redis-server not found, comparisons with Redis skipped');

describe.skipIf(!haveRedis)('client-side caching matches Redis 7.0.15', () => {
  let redis: RedisProcess;
  const servers: Array<{ name: string; port: number; close(): Promise<void> }> = [];
  const expected = new Map<string, Record<string, string[]>>();

  beforeAll(async () => {
    redis = await startRedis();
    await burnClientIds(redis.port);
    for (const c of CONVERSATIONS) expected.set(c.title, await converse(redis.port, c.names, c.steps));
    for (const [name, threads] of [['inline', 0], ['workers', 2]] as const) {
      const s = await startTessera({ threads });
      await burnClientIds(s.port);
      servers.push({ name, port: s.port, close: () => s.close() });
    }
  }, 120_000);

  afterAll(async () => {
    await redis?.close();
    for (const s of servers) await s.close();
  });

  it('the conversations carry invalidations (the comparison is not vacuous)', () => {
    for (const c of CONVERSATIONS) {
      const all = Object.values(expected.get(c.title)!).flat().join('');
      expect(all, c.title).toMatch(/invalidate/);
    }
  });

  for (const mode of ['inline', 'workers']) {
    for (const c of CONVERSATIONS) {
      it(`${mode}: ${c.title}`, async () => {
        const s = servers.find((x) => x.name === mode)!;
        const got = await converse(s.port, c.names, c.steps);
        expect(got).toEqual(expected.get(c.title));
      }, 60_000);
    }
  }
});

describe('client-side caching, own behaviour', () => {
  for (const [mode, threads] of [['inline', 0], ['workers', 2]] as const) {
    it(`${mode}: over tracking-table-max-keys, remembered keys are dropped with an invalidation`, async () => {
      const s = await startTessera({ threads });
      try {
        const t = await Conn.open(s.port);
        const admin = await Conn.open(s.port);
        try {
          await admin.call(['CONFIG', 'SET', 'tracking-table-max-keys', '2']);
          await t.call(['HELLO', '3']);
          await t.call(['CLIENT', 'TRACKING', 'ON']);
          // Each GET's own reply (RESP3 null) is awaited, not the first frame: with workers an
          // invalidation push can arrive before the reply of the GET whose dispatch caused it, and
          // the next command must not run before the GET's key is remembered.
          const keys = ['k1', 'k2', 'k3', 'k4'];
          for (let i = 0; i < keys.length; i++) {
            t.send(['GET', keys[i]]);
            const deadline = Date.now() + 5000;
            while (t.frames.filter((f) => f === '_\r\n').length < i + 1) {
              if (Date.now() > deadline) throw new Error(`no reply to GET ${keys[i]}: ${JSON.stringify(t.frames)}`);
              await new Promise((r) => setTimeout(r, 5));
            }
          }
          await t.call(['PING']);
          const pushes = t.frames.filter((f) => f.startsWith('>2\r\n$10\r\ninvalidate'));
          // Four keys read, at most two kept: the two oldest were dropped before later commands.
          expect(pushes).toEqual(['>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk1\r\n', '>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk2\r\n']);
          await admin.call(['INFO', 'stats']);
          expect(admin.frames[admin.frames.length - 1]).toContain('tracking_total_keys:2\r\n');
          await admin.call(['CONFIG', 'GET', 'tracking-table-max-keys']);
          expect(admin.frames[admin.frames.length - 1]).toBe('*2\r\n$23\r\ntracking-table-max-keys\r\n$1\r\n2\r\n');
        } finally {
          t.socket.destroy();
          admin.socket.destroy();
        }
      } finally {
        await s.close();
      }
    });
  }
});
