/**
 * Pub/sub across connections, in every execution mode: delivery order, patterns, shard channels,
 * unsubscribing, RESP3 pushes between replies, cleanup on disconnect, INFO / CLIENT LIST fields, and
 * the `client-output-buffer-limit pubsub` disconnection of a subscriber that does not read.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import Redis from 'ioredis';
import { MODES, startTessera } from './modes.js';
import { replyEnd } from '../oracle/resp-client.js';

/** A raw RESP connection that keeps every reply and push it receives, in arrival order. */
class Wire {
  readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);
  readonly received: Buffer[] = [];
  closed = false;
  private waiters: Array<() => void> = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      for (;;) {
        const end = replyEnd(this.buffer, 0);
        if (end < 0) break;
        this.received.push(Buffer.from(this.buffer.subarray(0, end)));
        this.buffer = this.buffer.subarray(end);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.off('error', reject);
        resolve(new Wire(s));
      });
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(...commands: string[][]): void {
    const parts: Buffer[] = [];
    for (const args of commands) {
      parts.push(Buffer.from(`*${args.length}\r\n`));
      for (const a of args) parts.push(Buffer.from(`$${Buffer.byteLength(a)}\r\n${a}\r\n`));
    }
    this.socket.write(Buffer.concat(parts));
  }

  /** Waits until `n` replies/pushes have arrived in total, and returns them as latin1 text. */
  async until(n: number, timeoutMs = 5000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < n) {
      if (this.closed || Date.now() > deadline) throw new Error(`got ${this.received.length} of ${n}: ${JSON.stringify(this.texts())}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.texts();
  }

  texts(): string[] {
    return this.received.map((b) => b.toString('latin1'));
  }

  close(): void {
    this.socket.destroy();
  }
}

function msg(kind: string, ...parts: string[]): string {
  return `*${parts.length + 1}\r\n$${kind.length}\r\n${kind}\r\n` + parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('');
}

/** A RESP2 (un)subscribe confirmation. */
function confirmation(kind: string, name: string, count: number): string {
  return `*3\r\n$${kind.length}\r\n${kind}\r\n$${name.length}\r\n${name}\r\n:${count}\r\n`;
}

function push(kind: string, ...parts: string[]): string {
  return '>' + msg(kind, ...parts).slice(1);
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const mode of MODES) {
  describe(`pub/sub, ${mode.name}`, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    let pub: Redis;
    beforeAll(async () => {
      server = await startTessera(mode.options);
      pub = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
      await pub.connect();
    });
    afterAll(async () => {
      pub?.disconnect();
      await server?.close();
    });

    it('ioredis subscriber receives messages and pattern messages in publish order', async () => {
      const sub = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true });
      await sub.connect();
      try {
        const got: string[] = [];
        sub.on('message', (ch: string, m: string) => got.push(`message ${ch} ${m}`));
        sub.on('pmessage', (p: string, ch: string, m: string) => got.push(`pmessage ${p} ${ch} ${m}`));
        expect(await sub.subscribe('news', 'sport')).toBe(2);
        expect(await sub.psubscribe('n*')).toBe(3);
        const counts: number[] = [];
        for (let i = 0; i < 200; i++) counts.push(await pub.publish(i % 2 === 0 ? 'news' : 'sport', `m${i}`));
        expect(counts.filter((c, i) => c !== (i % 2 === 0 ? 2 : 1))).toEqual([]);
        await waitFor(async () => got.length >= 300);
        const expected: string[] = [];
        for (let i = 0; i < 200; i++) {
          if (i % 2 === 0) expected.push(`message news m${i}`, `pmessage n* news m${i}`);
          else expected.push(`message sport m${i}`);
        }
        expect(got).toEqual(expected);
        expect(await pub.publish('nothing', 'x')).toBe(1); // the pattern n* matches
        expect(await pub.publish('other', 'x')).toBe(0);
        expect(await pub.pubsub('NUMSUB', 'news', 'sport', 'nobody')).toEqual(['news', 1, 'sport', 1, 'nobody', 0]);
        expect(await pub.pubsub('NUMPAT')).toBe(1);
        expect(((await pub.pubsub('CHANNELS')) as string[]).sort()).toEqual(['news', 'sport']);
        expect(await pub.pubsub('CHANNELS', 's*')).toEqual(['sport']);
        await sub.unsubscribe('sport');
        expect(await pub.publish('sport', 'late')).toBe(0);
        // (ioredis waits forever on a PUNSUBSCRIBE without arguments, against Redis too.)
        expect(await sub.punsubscribe('n*')).toBe(1);
        expect(await pub.publish('news', 'x')).toBe(1);
        expect(await sub.unsubscribe('news')).toBe(0);
        expect(await pub.publish('news', 'x')).toBe(0);
        expect(await pub.pubsub('NUMPAT')).toBe(0);
        expect(await pub.pubsub('CHANNELS')).toEqual([]);
      } finally {
        sub.disconnect();
      }
    });

    it('a pipelined burst of publishes arrives complete and in order', async () => {
      const sub = await Wire.connect(server.port);
      try {
        sub.send(['SUBSCRIBE', 'burst']);
        await sub.until(1);
        const p = pub.pipeline();
        for (let i = 0; i < 2000; i++) p.publish('burst', `payload-${i}`);
        const res = await p.exec();
        expect(res!.every(([err, n]) => err === null && n === 1)).toBe(true);
        const texts = await sub.until(2001);
        for (let i = 0; i < 2000; i++) expect(texts[1 + i]).toBe(msg('message', 'burst', `payload-${i}`));
      } finally {
        sub.close();
      }
    });

    it('shard channels deliver smessage and count separately', async () => {
      const sub = await Wire.connect(server.port);
      try {
        sub.send(['SSUBSCRIBE', 's1', 's2'], ['SUBSCRIBE', 's1']);
        const confirmations = await sub.until(3);
        expect(confirmations).toEqual([confirmation('ssubscribe', 's1', 1), confirmation('ssubscribe', 's2', 2), confirmation('subscribe', 's1', 1)]);
        expect(await pub.spublish('s2', 'hello')).toBe(1);
        expect(await pub.publish('s2', 'hello')).toBe(0);
        expect(await pub.publish('s1', 'plain')).toBe(1);
        const texts = await sub.until(5);
        expect(texts.slice(3)).toEqual([msg('smessage', 's2', 'hello'), msg('message', 's1', 'plain')]);
        expect(await pub.call('PUBSUB', 'SHARDCHANNELS')).toEqual(expect.arrayContaining(['s1', 's2']));
        expect(await pub.call('PUBSUB', 'SHARDNUMSUB', 's1', 'x')).toEqual(['s1', 1, 'x', 0]);
        sub.send(['SUNSUBSCRIBE']);
        await sub.until(7);
        expect(await pub.spublish('s1', 'x')).toBe(0);
        expect(await pub.call('PUBSUB', 'SHARDCHANNELS')).toEqual([]);
      } finally {
        sub.close();
      }
    });

    it('RESP3 subscriber gets pushes between replies, after replies already queued', async () => {
      const sub = await Wire.connect(server.port);
      try {
        sub.send(['HELLO', '3'], ['SUBSCRIBE', 'self'], ['PSUBSCRIBE', 'se*']);
        await sub.until(3);
        sub.send(['SET', 'k3', 'v'], ['PUBLISH', 'self', 'x'], ['GET', 'k3'], ['SET', '{a}b', '1'], ['PUBLISH', 'other', 'y']);
        const texts = await sub.until(3 + 7);
        expect(texts.slice(3)).toEqual([
          '+OK\r\n',
          push('message', 'self', 'x'),
          push('pmessage', 'se*', 'self', 'x'),
          ':2\r\n',
          '$1\r\nv\r\n',
          '+OK\r\n',
          ':0\r\n',
        ]);
        expect(await pub.publish('self', 'from-other')).toBe(2);
        const more = await sub.until(12);
        expect(more.slice(10)).toEqual([push('message', 'self', 'from-other'), push('pmessage', 'se*', 'self', 'from-other')]);
      } finally {
        sub.close();
      }
    });

    it('a RESP3 client publishing to itself inside MULTI gets the push inside the EXEC array, as Redis', async () => {
      const c = await Wire.connect(server.port);
      try {
        c.send(['HELLO', '3'], ['MULTI'], ['SUBSCRIBE', 'z'], ['PUBLISH', 'z', 'm'], ['EXEC']);
        // HELLO, +OK, 2 x +QUEUED, then EXEC's array header, subscribe push, message push, :1.
        const expected = ['+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '*2\r\n', confirmation('subscribe', 'z', 1).replace('*', '>'), push('message', 'z', 'm'), ':1\r\n'].join('');
        await waitFor(async () => c.texts().slice(1).join('').length >= expected.length);
        expect(c.texts().slice(1).join('')).toBe(expected);
      } finally {
        c.close();
      }
    });

    it('a RESP2 subscriber is limited to the subscription commands, and PING answers an array', async () => {
      const sub = await Wire.connect(server.port);
      try {
        sub.send(['SUBSCRIBE', 'c'], ['GET', 'k'], ['PING'], ['PING', 'hi'], ['UNSUBSCRIBE'], ['PING']);
        const texts = await sub.until(6);
        expect(texts.slice(1)).toEqual([
          "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
          '*2\r\n$4\r\npong\r\n$0\r\n\r\n',
          '*2\r\n$4\r\npong\r\n$2\r\nhi\r\n',
          '*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n',
          '+PONG\r\n',
        ]);
      } finally {
        sub.close();
      }
    });

    it('INFO and CLIENT LIST report subscriptions; RESET and disconnect drop them', async () => {
      const sub = await Wire.connect(server.port);
      try {
        sub.send(['CLIENT', 'SETNAME', 'listener'], ['SUBSCRIBE', 'i1', 'i2'], ['PSUBSCRIBE', 'p1*'], ['SSUBSCRIBE', 'sh']);
        await sub.until(5);
        const info = await pub.info('stats');
        expect(info).toContain('pubsub_channels:2\r\n');
        expect(info).toContain('pubsub_patterns:1\r\n');
        expect(info).toContain('pubsubshard_channels:1\r\n');
        const list = (await pub.client('LIST')) as string;
        const line = list.split('\n').find((l) => l.includes('name=listener'))!;
        expect(line).toMatch(/ flags=P /);
        expect(line).toMatch(/ sub=2 psub=1 ssub=1 /);
        expect(((await pub.client('LIST', 'TYPE', 'pubsub')) as string)).toContain('name=listener');
        expect(((await pub.client('LIST', 'TYPE', 'normal')) as string)).not.toContain('name=listener');
        sub.send(['RESET']);
        await sub.until(6);
        expect(await pub.pubsub('NUMSUB', 'i1')).toEqual(['i1', 0]);
        const after = ((await pub.client('LIST')) as string).split('\n').find((l) => l.includes(' cmd=reset '))!;
        expect(after).toMatch(/ flags=N /);
        expect(after).toMatch(/ sub=0 psub=0 ssub=0 /);
        sub.send(['SUBSCRIBE', 'gone'], ['PSUBSCRIBE', 'gone*']);
        await sub.until(8);
        expect(await pub.publish('gone', 'x')).toBe(2);
        sub.close();
        await waitFor(async () => (await pub.publish('gone', 'x')) === 0);
        expect(await pub.pubsub('NUMPAT')).toBe(0);
        expect(await pub.info('stats')).toContain('pubsub_channels:0\r\n');
      } finally {
        sub.close();
      }
    });

    it('CLIENT KILL TYPE pubsub closes subscribers only, and their subscriptions go with them', async () => {
      const sub = await Wire.connect(server.port);
      const other = await Wire.connect(server.port);
      try {
        sub.send(['SSUBSCRIBE', 'k1']);
        other.send(['PING']);
        await sub.until(1);
        await other.until(1);
        expect(await pub.client('KILL', 'TYPE', 'pubsub')).toBe(1);
        await waitFor(async () => sub.closed);
        expect(other.closed).toBe(false);
        expect(await pub.call('PUBSUB', 'SHARDNUMSUB', 'k1')).toEqual(['k1', 0]);
      } finally {
        sub.close();
        other.close();
      }
    });

    it('QUIT from a subscriber drops its subscriptions', async () => {
      const sub = await Wire.connect(server.port);
      sub.send(['SUBSCRIBE', 'q'], ['QUIT']);
      await sub.until(2);
      await waitFor(async () => (await pub.pubsub('NUMSUB', 'q'))[1] === 0);
      sub.close();
    });

    it('a subscriber that does not read is disconnected past the hard output limit', async () => {
      const sub = await Wire.connect(server.port);
      try {
        expect(await pub.config('SET', 'client-output-buffer-limit', 'pubsub 1mb 0 0')).toBe('OK');
        sub.send(['SUBSCRIBE', 'slow']);
        await sub.until(1);
        sub.socket.pause();
        const chunk = 'x'.repeat(512 * 1024);
        let sent = 0;
        while ((await pub.pubsub('NUMSUB', 'slow'))[1] === 1) {
          expect(sent).toBeLessThan(400);
          await pub.publish('slow', chunk);
          sent++;
        }
        expect(sent).toBeGreaterThan(1);
        sub.socket.resume();
        await waitFor(async () => sub.closed);
        // Fewer messages than were sent reach it: the pending output was dropped.
        expect(sub.received.length - 1).toBeLessThan(sent);
      } finally {
        await pub.config('SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
        sub.close();
      }
    });

    it('a subscriber over the soft output limit for longer than its seconds is disconnected', async () => {
      const sub = await Wire.connect(server.port);
      try {
        expect(await pub.config('SET', 'client-output-buffer-limit', 'pubsub 0 256kb 1')).toBe('OK');
        sub.send(['SUBSCRIBE', 'soft']);
        await sub.until(1);
        sub.socket.pause();
        const chunk = 'y'.repeat(512 * 1024);
        const start = Date.now();
        while ((await pub.pubsub('NUMSUB', 'soft'))[1] === 1) {
          expect(Date.now() - start).toBeLessThan(10000);
          await pub.publish('soft', chunk);
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(Date.now() - start).toBeGreaterThanOrEqual(1000);
      } finally {
        await pub.config('SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
        sub.close();
      }
    });

    it('a subscriber that keeps reading is not disconnected by the limit', async () => {
      const sub = await Wire.connect(server.port);
      try {
        expect(await pub.config('SET', 'client-output-buffer-limit', 'pubsub 4mb 0 0')).toBe('OK');
        sub.send(['SUBSCRIBE', 'fast']);
        await sub.until(1);
        const chunk = 'z'.repeat(64 * 1024);
        for (let i = 0; i < 100; i++) expect(await pub.publish('fast', chunk)).toBe(1);
        await sub.until(101);
        expect(sub.closed).toBe(false);
      } finally {
        await pub.config('SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
        sub.close();
      }
    });
  });
}
