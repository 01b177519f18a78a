/**
 * BGSAVE: the shards are held only while their arenas are copied, a worker thread writes the file.
 * The file holds the dataset as it was when BGSAVE replied (writes after it are not in it), loads
 * back into Tessera (and redis-server) with the same DEBUG DIGEST, and the replies, errors and INFO
 * persistence fields are Redis 7.0.15's. Every server runs in its own temporary directory.
 */
import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RawClient } from '../oracle/resp-client.js';
import { redisAvailable, startRedis } from '../oracle/redis-server.js';
import { MODES, startTessera } from './modes.js';

const haveRedis = redisAvailable();
const b = (s: string) => Buffer.from(s, 'latin1');
const text = async (c: RawClient, ...args: string[]) => (await c.call(args.map(b))).toString('latin1');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function resp(...commands: string[][]): Buffer {
  return Buffer.concat(commands.map((args) => Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`)));
}

/** Sends `commands` in one write (so the server reads them together) and collects `lines` reply lines. */
function pipelined(port: number, commands: string[][], lines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(resp(...commands)));
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no ${lines} reply lines within 10 s: ${JSON.stringify(data)}`));
    }, 10000);
    socket.on('data', (d) => {
      data += d.toString('latin1');
      const got = data.split('\r\n');
      if (got.length > lines) {
        clearTimeout(timer);
        socket.destroy();
        resolve(got.slice(0, lines));
      }
    });
    socket.on('error', reject);
  });
}

async function info(c: RawClient, field: string): Promise<string> {
  const m = new RegExp(`${field}:([^\\r]*)`).exec(await text(c, 'INFO', 'everything'));
  return m === null ? '' : m[1];
}

/** Waits (bounded) until no BGSAVE is in progress. */
async function bgsaveDone(c: RawClient): Promise<void> {
  const deadline = Date.now() + 20000;
  while ((await info(c, 'rdb_bgsave_in_progress')) !== '0') {
    if (Date.now() > deadline) throw new Error('BGSAVE did not finish within 20 s');
    await sleep(20);
  }
}

async function populate(c: RawClient): Promise<void> {
  for (let i = 0; i < 500; i++) await text(c, 'SET', `s:${i}`, `value-${i}`);
  await text(c, 'SET', 'ttl', 'v', 'PX', '3600000');
  await text(c, 'RPUSH', 'list', ...Array.from({ length: 300 }, (_, i) => `item-${i}`));
  await text(c, 'HSET', 'hash', ...Array.from({ length: 200 }, (_, i) => [`f${i}`, `v${i}`]).flat());
  await text(c, 'ZADD', 'zset', ...Array.from({ length: 200 }, (_, i) => [String(i / 3), `m${i}`]).flat());
  await text(c, 'SADD', 'set', 'a', 'b', 'c');
  await text(c, 'XADD', 'stream', '1-1', 'a', '1');
  await text(c, 'SELECT', '4');
  await text(c, 'SET', 'in4', 'database four');
  await text(c, 'SELECT', '0');
}

for (const mode of MODES) {
  describe(`BGSAVE, ${mode.name}`, () => {
    const dirs: string[] = [];
    const tempDir = () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bgsave-'));
      dirs.push(dir);
      return dir;
    };
    afterAll(() => {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it('saves the dataset as it was when it started; the file loads back with the same digest', async () => {
      const dir = tempDir();
      const server = await startTessera({ ...mode.options, dir });
      const c = await RawClient.connect(server.port);
      let digest: string;
      try {
        await populate(c);
        digest = await text(c, 'DEBUG', 'DIGEST');
        const before = Number((await text(c, 'LASTSAVE')).slice(1));
        // BGSAVE, then at once (the same read) a second BGSAVE, SAVE and writes the file must not hold.
        const replies = await pipelined(server.port, [['BGSAVE'], ['BGSAVE', 'SCHEDULE'], ['SAVE'], ['SET', 's:1', 'changed'], ['DEL', 'list'], ['INFO', 'persistence']], 6);
        expect(replies.slice(0, 5)).toEqual([
          '+Background saving started',
          '-ERR Background save already in progress',
          '-ERR Background save already in progress',
          '+OK',
          ':1',
        ]);
        await bgsaveDone(c);
        expect(await info(c, 'rdb_last_bgsave_status')).toBe('ok');
        expect(await info(c, 'rdb_current_bgsave_time_sec')).toBe('-1');
        expect(Number(await info(c, 'rdb_last_bgsave_time_sec'))).toBeGreaterThanOrEqual(0);
        expect(await info(c, 'total_forks')).toBe('1');
        expect(await info(c, 'rdb_saves')).toBe('1');
        expect(Number((await text(c, 'LASTSAVE')).slice(1))).toBeGreaterThanOrEqual(before);
        expect(fs.readdirSync(dir)).toEqual(['dump.rdb']);
      } finally {
        c.close();
        await server.close();
      }
      const again = await startTessera({ ...mode.options, dir });
      const c2 = await RawClient.connect(again.port);
      try {
        expect(await text(c2, 'DEBUG', 'DIGEST')).toBe(digest);
        expect(await text(c2, 'GET', 's:1')).toBe('$7\r\nvalue-1\r\n');
        expect(await text(c2, 'LLEN', 'list')).toBe(':300\r\n');
      } finally {
        c2.close();
        await again.close();
      }
      if (haveRedis) {
        const redisProc = await startRedis(['--dir', dir]);
        const redis = await RawClient.connect(redisProc.port);
        try {
          expect(await text(redis, 'DEBUG', 'DIGEST')).toBe(digest);
        } finally {
          redis.close();
          await redisProc.close();
        }
      }
    }, 60000);

    it('BGSAVE SCHEDULE starts at once; inside MULTI it is scheduled and runs after EXEC', async () => {
      const dir = tempDir();
      const server = await startTessera({ ...mode.options, dir, dbfilename: 'sched.rdb' });
      const c = await RawClient.connect(server.port);
      try {
        await text(c, 'SET', 'k', 'v1');
        expect(await text(c, 'BGSAVE', 'SCHEDULE')).toBe('+Background saving started\r\n');
        await bgsaveDone(c);
        await text(c, 'MULTI');
        expect(await text(c, 'SET', 'k', 'v2')).toBe('+QUEUED\r\n');
        expect(await text(c, 'BGSAVE')).toBe('+QUEUED\r\n');
        expect(await text(c, 'EXEC')).toBe('*2\r\n+OK\r\n+Background saving scheduled\r\n');
        const deadline = Date.now() + 20000;
        while ((await info(c, 'total_forks')) !== '2' && Date.now() < deadline) await sleep(20);
        await bgsaveDone(c);
        expect(await info(c, 'total_forks')).toBe('2');
        expect(await info(c, 'rdb_last_bgsave_status')).toBe('ok');
        expect(fs.readdirSync(dir)).toEqual(['sched.rdb']);
        expect(await text(c, 'DEBUG', 'RELOAD', 'NOSAVE')).toBe('+OK\r\n');
        expect(await text(c, 'GET', 'k')).toBe('$2\r\nv2\r\n');
      } finally {
        c.close();
        await server.close();
      }
    }, 60000);

    it('a failed save sets rdb_last_bgsave_status:err and leaves no temporary file', async () => {
      const dir = tempDir();
      const server = await startTessera({ ...mode.options, dir });
      const c = await RawClient.connect(server.port);
      try {
        await text(c, 'SET', 'k', 'v');
        // The rename over a directory fails, even for root.
        fs.mkdirSync(path.join(dir, 'dump.rdb'));
        expect(await text(c, 'BGSAVE')).toBe('+Background saving started\r\n');
        await bgsaveDone(c);
        expect(await info(c, 'rdb_last_bgsave_status')).toBe('err');
        expect(fs.readdirSync(dir)).toEqual(['dump.rdb']);
        fs.rmdirSync(path.join(dir, 'dump.rdb'));
        expect(await text(c, 'BGSAVE')).toBe('+Background saving started\r\n');
        await bgsaveDone(c);
        expect(await info(c, 'rdb_last_bgsave_status')).toBe('ok');
        expect(fs.statSync(path.join(dir, 'dump.rdb')).isFile()).toBe(true);
      } finally {
        c.close();
        await server.close();
      }
    }, 60000);
  });
}
