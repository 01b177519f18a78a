/**
 * RDB files between Tessera and a live redis-server 7.0.15: SAVE on one, start the other on the file,
 * and compare the datasets (DEBUG DIGEST over everything, DEBUG DIGEST-VALUE and PEXPIRETIME per key,
 * the function libraries); DEBUG RELOAD and LASTSAVE on Tessera. Every server runs in its own
 * temporary directory.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawClient } from '../oracle/resp-client.js';
import { redisAvailable, startRedis } from '../oracle/redis-server.js';
import { MODES, startTessera } from './modes.js';

const haveRedis = redisAvailable();
if (!haveRedis) console.warn('RDB file interop tests SKIPPED: redis-server is not installed (apt-get install -y redis-server redis-tools)');

const b = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
const cmd = (c: RawClient, ...args: Array<string | Buffer>) => c.call(args.map(b));
const text = async (c: RawClient, ...args: Array<string | Buffer>) => (await cmd(c, ...args)).toString('latin1');

const LIBRARY = "#!lua name=rdblib\nredis.register_function('rdbf', function() return 'from the rdb' end)";

/** A dataset of every type and encoding in databases 0 and 3, with expiries and a function library. */
function population(): Array<Array<string | Buffer>> {
  const cmds: Array<Array<string | Buffer>> = [['FUNCTION', 'LOAD', LIBRARY]];
  const binary = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 31) & 0xff));
  cmds.push(['SET', 'str', 'hello'], ['SET', 'int', '12345'], ['SET', 'long', 'xyz'.repeat(500)], ['SET', 'bin', binary]);
  cmds.push(['SET', 'ttl', 'v', 'PXAT', String(Date.now() + 3_600_000)], ['HSET', 'ttlhash', 'f', 'v'], ['PEXPIREAT', 'ttlhash', String(Date.now() + 7_200_000)]);
  const items: string[] = [];
  for (let i = 0; i < 1500; i++) items.push(i % 2 ? String(i) : `item-${i}`);
  cmds.push(['RPUSH', 'list', ...items], ['RPUSH', 'smalllist', 'a', 'b', '3']);
  cmds.push(['SADD', 'intset', '1', '2', '-3'], ['SADD', 'set', ...Array.from({ length: 200 }, (_, i) => `m${i}`)]);
  cmds.push(['ZADD', 'zset', '1', 'a', '2.5', 'b'], ['ZADD', 'bigzset', ...Array.from({ length: 300 }, (_, i) => [String(i / 7), `z${i}`]).flat()]);
  cmds.push(['HSET', 'hash', 'a', '1', 'b', binary.subarray(0, 20)], ['HSET', 'bighash', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat()]);
  cmds.push(['XADD', 'stream', '1-1', 'a', '1'], ['XADD', 'stream', '2-1', 'a', '2'], ['XGROUP', 'CREATE', 'stream', 'g', '0']);
  cmds.push(['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '1', 'STREAMS', 'stream', '>']);
  cmds.push(['SELECT', '3'], ['SET', 'db3key', 'in db 3'], ['RPUSH', 'db3list', 'x'], ['SELECT', '0']);
  return cmds;
}

const KEYS0 = ['str', 'int', 'long', 'bin', 'ttl', 'ttlhash', 'list', 'smalllist', 'intset', 'set', 'zset', 'bigzset', 'hash', 'bighash', 'stream'];

async function sameDataset(from: RawClient, to: RawClient): Promise<void> {
  for (const db of ['0', '3']) {
    await cmd(from, 'SELECT', db);
    await cmd(to, 'SELECT', db);
    expect(await text(to, 'DBSIZE'), `db ${db}`).toBe(await text(from, 'DBSIZE'));
    expect(await text(to, 'DEBUG', 'DIGEST'), `db ${db}`).toBe(await text(from, 'DEBUG', 'DIGEST'));
  }
  await cmd(from, 'SELECT', '0');
  await cmd(to, 'SELECT', '0');
  for (const key of KEYS0) {
    expect(await text(to, 'DEBUG', 'DIGEST-VALUE', key), key).toBe(await text(from, 'DEBUG', 'DIGEST-VALUE', key));
    expect(await text(to, 'PEXPIRETIME', key), key).toBe(await text(from, 'PEXPIRETIME', key));
    expect(await text(to, 'TYPE', key), key).toBe(await text(from, 'TYPE', key));
  }
  expect(await text(to, 'XINFO', 'STREAM', 'stream', 'FULL')).toBe(await text(from, 'XINFO', 'STREAM', 'stream', 'FULL'));
  expect(await text(to, 'FCALL', 'rdbf', '0')).toBe('$12\r\nfrom the rdb\r\n');
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-rdb-'));
}

for (const mode of MODES.slice(0, 2)) {
  describe.skipIf(!haveRedis)(`RDB files with redis-server, ${mode.name}`, () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it('a dump.rdb written by redis-server loads into Tessera with the same data', async () => {
      const dir = tempDir();
      dirs.push(dir);
      const redisProc = await startRedis(['--dir', dir, '--dbfilename', 'redis.rdb']);
      const redis = await RawClient.connect(redisProc.port);
      try {
        for (const c of population()) expect(await text(redis, ...c)).not.toMatch(/^-/);
        expect(await text(redis, 'SAVE')).toBe('+OK\r\n');
        const server = await startTessera({ ...mode.options, dir, dbfilename: 'redis.rdb' });
        const tessera = await RawClient.connect(server.port);
        try {
          await sameDataset(redis, tessera);
          expect(await text(tessera, 'INFO', 'persistence')).toMatch(/rdb_last_load_keys_loaded:17\r\n/);
        } finally {
          tessera.close();
          await server.close();
        }
      } finally {
        redis.close();
        await redisProc.close();
      }
    });

    it('a dump.rdb written by Tessera loads into redis-server with the same data', async () => {
      const dir = tempDir();
      dirs.push(dir);
      const server = await startTessera({ ...mode.options, dir, dbfilename: 'tessera.rdb' });
      const tessera = await RawClient.connect(server.port);
      try {
        for (const c of population()) expect(await text(tessera, ...c)).not.toMatch(/^-/);
        const before = Number((await text(tessera, 'LASTSAVE')).slice(1));
        expect(await text(tessera, 'SAVE')).toBe('+OK\r\n');
        expect(Number((await text(tessera, 'LASTSAVE')).slice(1))).toBeGreaterThanOrEqual(before);
        const file = fs.readFileSync(path.join(dir, 'tessera.rdb'));
        expect(file.subarray(0, 9).toString()).toBe('REDIS0010');
        expect(fs.readdirSync(dir)).toEqual(['tessera.rdb']);
        const redisProc = await startRedis(['--dir', dir, '--dbfilename', 'tessera.rdb']);
        const redis = await RawClient.connect(redisProc.port);
        try {
          await sameDataset(tessera, redis);
        } finally {
          redis.close();
          await redisProc.close();
        }
      } finally {
        tessera.close();
        await server.close();
      }
    });

    it('SHUTDOWN SAVE writes the file the next start loads; with save "" SHUTDOWN writes nothing', async () => {
      const dir = tempDir();
      dirs.push(dir);
      const first = await startTessera({ ...mode.options, dir });
      const c1 = await RawClient.connect(first.port);
      await cmd(c1, 'SET', 'kept', 'across restarts');
      await cmd(c1, 'SELECT', '5');
      await cmd(c1, 'RPUSH', 'list', 'a', 'b');
      await cmd(c1, 'PEXPIREAT', 'list', String(Date.now() + 600_000));
      await cmd(c1, 'SHUTDOWN', 'SAVE').catch(() => undefined);
      c1.close();
      await first.close();
      expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
      const second = await startTessera({ ...mode.options, dir });
      const c2 = await RawClient.connect(second.port);
      try {
        expect(await text(c2, 'GET', 'kept')).toBe('$15\r\nacross restarts\r\n');
        await cmd(c2, 'SELECT', '5');
        expect(await text(c2, 'LRANGE', 'list', '0', '-1')).toBe('*2\r\n$1\r\na\r\n$1\r\nb\r\n');
        expect(Number((await text(c2, 'PTTL', 'list')).slice(1))).toBeGreaterThan(500_000);
      } finally {
        c2.close();
        await second.close();
      }
      fs.rmSync(path.join(dir, 'dump.rdb'));
      const third = await startTessera({ ...mode.options, dir, save: '' });
      const c3 = await RawClient.connect(third.port);
      await cmd(c3, 'SET', 'x', 'y');
      await cmd(c3, 'SHUTDOWN').catch(() => undefined);
      c3.close();
      await third.close();
      expect(fs.readdirSync(dir)).toEqual([]);
    });

    it('DEBUG RELOAD saves, empties and loads the dataset back', async () => {
      const dir = tempDir();
      dirs.push(dir);
      const server = await startTessera({ ...mode.options, dir });
      const c = await RawClient.connect(server.port);
      try {
        for (const step of population()) await cmd(c, ...step);
        const digest = await text(c, 'DEBUG', 'DIGEST');
        expect(await text(c, 'DEBUG', 'RELOAD')).toBe('+OK\r\n');
        expect(await text(c, 'DEBUG', 'DIGEST')).toBe(digest);
        expect(await text(c, 'FUNCTION', 'LIST')).toContain('rdblib');
        expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
        // NOSAVE loads the file as it is: the key added since is gone; MERGE NOFLUSH keeps it.
        await cmd(c, 'SET', 'added', '1');
        expect(await text(c, 'DEBUG', 'RELOAD', 'NOSAVE')).toBe('+OK\r\n');
        expect(await text(c, 'EXISTS', 'added')).toBe(':0\r\n');
        await cmd(c, 'SET', 'added', '1');
        expect(await text(c, 'DEBUG', 'RELOAD', 'MERGE', 'NOFLUSH', 'NOSAVE')).toBe('+OK\r\n');
        expect(await text(c, 'EXISTS', 'added')).toBe(':1\r\n');
        expect(await text(c, 'DEBUG', 'RELOAD', 'BOGUS')).toBe('-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n');
        // As in Redis, DEBUG RELOAD is not counted as a SAVE; the last load counted every key.
        expect(await text(c, 'INFO', 'persistence')).toMatch(/rdb_saves:0\r\n(.|\r\n)*rdb_last_load_keys_loaded:17\r\n/);
      } finally {
        c.close();
        await server.close();
      }
    });
  });
}
