import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';

// The server runs in this process: a synchronous child (execFileSync) would block the event loop it
// needs to answer, so the tools run asynchronously.
const run = promisify(execFile);
import Redis from 'ioredis';
import { createClient } from 'redis';
import { MODES, startTessera } from './modes.js';

function hasBinary(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

for (const mode of MODES) {
  describe(`clients against Tessera, ${mode.name}`, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    beforeAll(async () => {
      server = await startTessera(mode.options);
    });
    afterAll(async () => {
      await server.close();
    });

    it('ioredis reads and writes strings, pipelines and binary values', async () => {
      const r = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
      await r.connect();
      try {
        expect(await r.set('greeting', 'hello')).toBe('OK');
        expect(await r.get('greeting')).toBe('hello');
        expect(await r.incr('counter')).toBe(1);
        expect(await r.incrby('counter', 41)).toBe(42);
        expect(await r.mset('a', '1', 'b', '2', '{t}x', '3')).toBe('OK');
        expect(await r.mget('a', 'b', '{t}x', 'nope')).toEqual(['1', '2', '3', null]);
        const binary = Buffer.from([0, 1, 2, 13, 10, 255, 0]);
        await r.set(Buffer.from([0xff, 0x00, 0x0d, 0x0a]), binary);
        expect(await r.getBuffer(Buffer.from([0xff, 0x00, 0x0d, 0x0a]))).toEqual(binary);
        const pipe = r.pipeline();
        for (let i = 0; i < 1000; i++) pipe.set(`p:${i}`, `v${i}`);
        for (let i = 0; i < 1000; i++) pipe.get(`p:${i}`);
        const results = await pipe.exec();
        expect(results!.length).toBe(2000);
        for (let i = 0; i < 1000; i++) expect(results![1000 + i][1]).toBe(`v${i}`);
        expect(await r.expire('greeting', 100)).toBe(1);
        expect(await r.ttl('greeting')).toBe(100);
        expect(await r.del('a', 'b', '{t}x', 'nope')).toBe(3);
        expect(await r.exists('a', 'b')).toBe(0);
      } finally {
        r.disconnect();
      }
    });

    it('answers every command of a client that half-closes right after sending them', async () => {
      // Redis answers all commands of a read before it reads the end of the stream; in worker mode
      // the replies are still being computed when the end arrives.
      const { connect } = await import('node:net');
      const request = 'PING\r\nSET halfclose 1\r\nGET halfclose\r\n'.repeat(3);
      const expected = '+PONG\r\n+OK\r\n$1\r\n1\r\n'.repeat(3);
      for (let i = 0; i < 20; i++) {
        const got = await new Promise<string>((resolve, reject) => {
          const s = connect({ host: '127.0.0.1', port: server.port, allowHalfOpen: true }, () => s.end(request));
          let text = '';
          s.setEncoding('latin1');
          s.on('data', (d: string) => (text += d));
          s.on('end', () => resolve(text));
          s.on('error', reject);
          setTimeout(() => reject(new Error(`no end, got ${JSON.stringify(text)}`)), 5000).unref();
        });
        expect(got).toBe(expected);
      }
    });

    it("CLIENT LIST names the last command looked up, even one rejected or queued, as Redis's lastcmd", async () => {
      const a = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
      const b = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
      await a.connect();
      await b.connect();
      try {
        await a.client('SETNAME', 'watched');
        const cmdOfA = async () => {
          const list = (await b.client('LIST')) as string;
          return / cmd=(\S+)/.exec(list.split('\n').find((l) => l.includes(' name=watched '))!)![1];
        };
        const steps: Array<[string[], string]> = [
          [['GET', 'k'], 'get'],
          [['GET'], 'get'],
          [['NOSUCHCOMMAND'], 'NULL'],
          [['CLIENT', 'NOSUCH'], 'NULL'],
          [['OBJECT'], 'object'],
          [['MULTI'], 'multi'],
          [['SET', 'k', 'v'], 'set'],
          [['EXEC'], 'exec'],
        ];
        for (const [args, expected] of steps) {
          await a.call(args[0], ...args.slice(1)).catch(() => undefined);
          expect(await cmdOfA()).toBe(expected);
        }
      } finally {
        a.disconnect();
        b.disconnect();
      }
    });

    it('ioredis moves large values intact (larger than a ring message)', async () => {
      const r = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true });
      await r.connect();
      try {
        const big = Buffer.alloc(6 * 1024 * 1024);
        for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 255;
        expect(await r.set('big', big)).toBe('OK');
        const back = await r.getBuffer('big');
        expect(back!.length).toBe(big.length);
        expect(back!.equals(big)).toBe(true);
        expect(await r.strlen('big')).toBe(big.length);
      } finally {
        r.disconnect();
      }
    });

    it('node-redis reads and writes strings in RESP2', async () => {
      const c = createClient({ socket: { host: '127.0.0.1', port: server.port } });
      await c.connect();
      try {
        expect(await c.set('nr', 'value')).toBe('OK');
        expect(await c.get('nr')).toBe('value');
        expect(await c.incrBy('nr:count', 5)).toBe(5);
        expect(await c.mGet(['nr', 'nr:missing'])).toEqual(['value', null]);
        expect(await c.ping()).toBe('PONG');
        expect(await c.dbSize()).toBeGreaterThan(0);
      } finally {
        await c.quit();
      }
    });

    it.runIf(hasBinary('redis-cli'))('redis-cli talks to it', async () => {
      const cli = async (...args: string[]) => (await run('redis-cli', ['-p', String(server.port), ...args], { encoding: 'utf8', timeout: 10000 })).stdout.trim();
      expect(await cli('SET', 'cli', 'works')).toBe('OK');
      expect(await cli('GET', 'cli')).toBe('works');
      expect(await cli('INCR', 'cli:n')).toBe('1');
      expect(await cli('PING')).toBe('PONG');
    });

    it.runIf(hasBinary('redis-benchmark'))('redis-benchmark -t set,get,incr,mset completes', async () => {
      const { stdout: out } = await run(
        'redis-benchmark',
        ['-p', String(server.port), '-t', 'set,get,incr,mset', '-n', '5000', '-r', '100000', '-q', '-c', '20'],
        { encoding: 'utf8', timeout: 120000 },
      );
      for (const test of ['SET', 'GET', 'INCR', 'MSET']) expect(out).toMatch(new RegExp(`${test}.*requests per second`));
    }, 150000);
  });
}
