/**
 * Lua scripts against a running server, in both execution modes: atomic cross-shard transfers under
 * concurrent readers (a conserved total), exact WATCH marks and wake-ups of parked clients by the
 * keys a script wrote, and the error a server without Lua answers.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Redis from 'ioredis';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MODES, startTessera } from './modes.js';

// No hash tags: with workers these land on different shards and threads.
const ACCOUNTS = Array.from({ length: 12 }, (_, i) => `account:${i}`);
const START = 1000;
const TRANSFER = `
local from = tonumber(redis.call('get', KEYS[1]))
local amount = tonumber(ARGV[1])
if from < amount then return 0 end
redis.call('decrby', KEYS[1], amount)
redis.call('incrby', KEYS[2], amount)
return 1`;
// Reads keys it was not given: scripts may touch undeclared keys, and still run atomically.
const TOTAL = `
local sum = 0
for i = 0, tonumber(ARGV[1]) - 1 do sum = sum + tonumber(redis.call('get', 'account:' .. i)) end
return sum`;

for (const mode of MODES.slice(0, 2)) {
  describe(`Lua scripts, ${mode.name}`, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    const clients: Redis[] = [];
    const connect = () => {
      const c = new Redis({ port: server.port, host: '127.0.0.1' });
      clients.push(c);
      return c;
    };
    beforeAll(async () => {
      server = await startTessera(mode.options);
    });
    afterAll(async () => {
      for (const c of clients) c.disconnect();
      await server.close();
    });

    it('cross-shard transfers (EVAL, EVALSHA, FCALL) keep the total while others read', async () => {
      const setup = connect();
      await setup.flushall();
      await setup.mset(...ACCOUNTS.flatMap((k) => [k, String(START)]));
      const expected = START * ACCOUNTS.length;
      const sha = await setup.script('LOAD', TRANSFER);
      await setup.function('FLUSH');
      await setup.function('LOAD', `#!lua name=bank\nredis.register_function('transfer', function(KEYS, ARGV) ${TRANSFER} end)`);
      const writers = Array.from({ length: 6 }, connect);
      const readers = Array.from({ length: 3 }, connect);
      let stop = false;
      let transfers = 0;
      const writing = writers.map(async (w, n) => {
        for (let round = 0; round < 250; round++) {
          const a = ACCOUNTS[(round * 5 + n) % ACCOUNTS.length];
          const b = ACCOUNTS[(round * 7 + n * 3 + 1) % ACCOUNTS.length];
          if (a === b) continue;
          const amount = String(1 + ((round * 13 + n) % 40));
          const r = round % 3 === 0 ? await w.evalsha(sha, 2, a, b, amount) : round % 3 === 1 ? await w.eval(TRANSFER, 2, a, b, amount) : await w.fcall('transfer', 2, a, b, amount);
          transfers += Number(r);
        }
      });
      let reads = 0;
      const reading = readers.map(async (r, n) => {
        while (!stop) {
          if (n === 0) {
            expect(Number(await r.eval(TOTAL, 0, ACCOUNTS.length))).toBe(expected);
          } else {
            const values = await r.mget(...ACCOUNTS);
            expect(values.reduce((s, v) => s + Number(v), 0)).toBe(expected);
          }
          reads++;
        }
      });
      await Promise.all(writing);
      stop = true;
      await Promise.all(reading);
      expect(transfers).toBeGreaterThan(100);
      expect(reads).toBeGreaterThan(10);
      const values = await setup.mget(...ACCOUNTS);
      expect(values.reduce((s, v) => s + Number(v), 0)).toBe(expected);
      for (const v of values) expect(Number(v)).toBeGreaterThanOrEqual(0);
    });

    it('a script write fails only the EXEC of clients watching the keys it wrote', async () => {
      const watcher = connect();
      const other = connect();
      await watcher.flushall();
      await watcher.watch('watched');
      await other.eval("return redis.call('set', KEYS[1], 'x')", 1, 'unrelated');
      expect(await watcher.multi().set('result', 1).exec()).toEqual([[null, 'OK']]);
      await watcher.watch('watched');
      // The key is not declared: the script still marks its watchers.
      await other.eval("return redis.call('set', 'watched', 'x')", 0);
      expect(await watcher.multi().set('result', 2).exec()).toBeNull();
      await watcher.watch('watched');
      await other.eval("return redis.call('get', 'watched')", 0);
      expect(await watcher.multi().set('result', 3).exec()).toEqual([[null, 'OK']]);
    });

    it('a script push wakes a client parked in BLPOP', async () => {
      const waiter = connect();
      const pusher = connect();
      await pusher.del('queue');
      const popped = waiter.blpop('queue', 5);
      await new Promise((r) => setTimeout(r, 100));
      expect(await pusher.eval("redis.call('lpush', 'queue', ARGV[1]) return redis.call('llen', 'queue')", 0, 'job')).toBe(1);
      expect(await popped).toEqual(['queue', 'job']);
      expect(await pusher.llen('queue')).toBe(0);
    });

    it('scripts inside MULTI/EXEC run in order with the other commands', async () => {
      const c = connect();
      await c.del('m');
      const result = await c.multi().set('m', 5).eval("return redis.call('incrby', KEYS[1], ARGV[1])", 1, 'm', 10).get('m').exec();
      expect(result).toEqual([
        [null, 'OK'],
        [null, 15],
        [null, '15'],
      ]);
    });

    it('INFO memory counts the cached scripts, the function libraries and the Lua heap', async () => {
      const c = connect();
      await c.script('FLUSH');
      const field = async (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(await c.info('memory'))![1]);
      expect(await field('number_of_cached_scripts')).toBe(0);
      await c.script('LOAD', 'return 1');
      await c.eval('return 2', 0);
      expect(await field('number_of_cached_scripts')).toBe(2);
      expect(await field('used_memory_scripts_eval')).toBeGreaterThan(0);
      expect(await field('used_memory_lua')).toBeGreaterThan(1024);
      await c.script('FLUSH');
      expect(await field('number_of_cached_scripts')).toBe(0);
      await c.function('FLUSH');
      await c.function('LOAD', "#!lua name=l\nredis.register_function('a', function() end)\nredis.register_function('b', function() end)");
      expect([await field('number_of_libraries'), await field('number_of_functions')]).toEqual([1, 2]);
      await c.function('FLUSH');
      expect([await field('number_of_libraries'), await field('number_of_functions')]).toEqual([0, 0]);
    });

    it('a script of 100,000 redis.call runs to the end and its writes are all there', async () => {
      const c = connect();
      await c.del('x');
      const n = await c.eval("for i = 1, 100000 do redis.call('incr', KEYS[1]) end return redis.call('get', KEYS[1])", 1, 'x');
      expect(n).toBe('100000');
    });
  });
}

describe('a server without Lua', () => {
  it('still starts and answers scripting commands with an error naming the Debian package', async () => {
    const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    const child = spawn(process.execPath, ['--input-type=module', '-e', `const { startServer } = await import(${JSON.stringify(dist)}); const h = await startServer({ port: 0, bind: '127.0.0.1', threads: 0, loglevel: 'warning' }); console.log('PORT ' + h.port);`], {
      env: { ...process.env, TESSERA_LUA_LIBRARY: 'liblua-absent-for-tests.so.0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /PORT (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const c = new Redis({ port, host: '127.0.0.1' });
      try {
        expect(await c.ping()).toBe('PONG');
        await expect(c.eval('return 1', 0)).rejects.toThrow(/Lua scripting is not available.*liblua5\.1-0/);
        await expect(c.script('LOAD', 'return 1')).rejects.toThrow(/liblua5\.1-0/);
        expect(await c.set('k', 'v')).toBe('OK');
      } finally {
        c.disconnect();
      }
    } finally {
      child.kill();
    }
  }, 20000);
});
