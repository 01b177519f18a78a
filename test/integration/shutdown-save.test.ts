/**
 * The final RDB snapshot of Redis's prepareForShutdown: with save points configured (`save` not
 * empty, Redis's default "3600 1 300 100 60 10000") SIGTERM, SIGINT and SHUTDOWN write dir/dbfilename
 * before the process exits, and the next start loads it; with `save ""` (or SHUTDOWN NOSAVE) nothing
 * is written; a save that fails keeps the server running (SHUTDOWN gets Redis's error) unless
 * SHUTDOWN FORCE. Every server is the CLI as a child process, in its own temporary directory.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawClient } from '../oracle/resp-client.js';
import { freePort, waitForPort } from '../oracle/redis-server.js';
import { MODES } from './modes.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const b = (s: string) => Buffer.from(s, 'latin1');
const text = async (c: RawClient, ...args: string[]) => (await c.call(args.map(b))).toString('latin1');

interface Child {
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
}

async function start(dir: string, options: Record<string, string | number>, extra: string[] = []): Promise<Child> {
  const port = await freePort();
  const args = [CLI, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--loglevel', 'warning'];
  for (const [name, value] of Object.entries(options)) args.push(`--${name}`, String(value));
  const child = spawn(process.execPath, [...args, ...extra], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitForPort(port, child, 'tessera', 15000);
  return { port, child, exited };
}

/** Resolves with the exit code, or 'running' when the process is still up after `ms`. */
async function exitWithin(server: Child, ms: number): Promise<number | null | 'running'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'running'>((r) => (timer = setTimeout(() => r('running'), ms)));
  const result = await Promise.race([server.exited, timeout]);
  clearTimeout(timer);
  return result;
}

async function kill(server: Child): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

async function populate(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    expect(await text(c, 'SET', 'kept', 'across restarts')).toBe('+OK\r\n');
    await text(c, 'SELECT', '2');
    expect(await text(c, 'RPUSH', 'list', 'a', 'b')).toBe(':2\r\n');
    for (let i = 0; i < 100; i++) await text(c, 'SET', `k${i}`, `v${i}`);
  } finally {
    c.close();
  }
}

async function expectPopulated(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    expect(await text(c, 'GET', 'kept')).toBe('$15\r\nacross restarts\r\n');
    await text(c, 'SELECT', '2');
    expect(await text(c, 'LRANGE', 'list', '0', '-1')).toBe('*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    expect(await text(c, 'DBSIZE')).toBe(':101\r\n');
  } finally {
    c.close();
  }
}

for (const mode of MODES.slice(0, 2)) {
  describe(`the final RDB snapshot at shutdown, ${mode.name}`, () => {
    const dirs: string[] = [];
    const tempDir = () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-shutdown-'));
      dirs.push(dir);
      return dir;
    };
    afterAll(() => {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      it(`${signal} with the default save points writes the RDB file; the next start loads it`, async () => {
        const dir = tempDir();
        const first = await start(dir, mode.options);
        try {
          await populate(first.port);
          first.child.kill(signal);
          expect(await exitWithin(first, 15000)).toBe(0);
        } finally {
          await kill(first);
        }
        expect(fs.readdirSync(dir)).toEqual(['dump.rdb']);
        const second = await start(dir, mode.options);
        try {
          await expectPopulated(second.port);
        } finally {
          await kill(second);
        }
      }, 40000);
    }

    it('with save "" neither SIGTERM nor SHUTDOWN writes anything', async () => {
      const dir = tempDir();
      const first = await start(dir, mode.options, ['--save', '']);
      try {
        await populate(first.port);
        first.child.kill('SIGTERM');
        expect(await exitWithin(first, 15000)).toBe(0);
      } finally {
        await kill(first);
      }
      expect(fs.readdirSync(dir)).toEqual([]);
      const second = await start(dir, mode.options, ['--save', '']);
      try {
        const c = await RawClient.connect(second.port);
        expect(await text(c, 'DBSIZE')).toBe(':0\r\n');
        await populate(second.port);
        await c.call([b('SHUTDOWN')]).catch(() => undefined);
        c.close();
        expect(await exitWithin(second, 15000)).toBe(0);
      } finally {
        await kill(second);
      }
      expect(fs.readdirSync(dir)).toEqual([]);
    }, 40000);

    it('SHUTDOWN saves with save points, SHUTDOWN NOSAVE does not', async () => {
      const dir = tempDir();
      const first = await start(dir, mode.options);
      try {
        await populate(first.port);
        const c = await RawClient.connect(first.port);
        await c.call([b('SHUTDOWN')]).catch(() => undefined);
        c.close();
        expect(await exitWithin(first, 15000)).toBe(0);
      } finally {
        await kill(first);
      }
      expect(fs.readdirSync(dir)).toEqual(['dump.rdb']);
      const saved = fs.readFileSync(path.join(dir, 'dump.rdb'));
      const second = await start(dir, mode.options);
      try {
        await expectPopulated(second.port);
        const c = await RawClient.connect(second.port);
        await text(c, 'FLUSHALL');
        await c.call([b('SHUTDOWN'), b('NOSAVE')]).catch(() => undefined);
        c.close();
        expect(await exitWithin(second, 15000)).toBe(0);
      } finally {
        await kill(second);
      }
      // NOSAVE left the file as it was.
      expect(fs.readFileSync(path.join(dir, 'dump.rdb')).equals(saved)).toBe(true);
    }, 40000);

    it('a failed save keeps the server running (SHUTDOWN, SIGTERM) unless SHUTDOWN FORCE', async () => {
      const dir = tempDir();
      const server = await start(dir, mode.options);
      try {
        // Once started: the rename over a directory fails, even for root.
        fs.mkdirSync(path.join(dir, 'dump.rdb'));
        await populate(server.port);
        const c = await RawClient.connect(server.port);
        expect(await text(c, 'SHUTDOWN')).toBe('-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
        expect(await text(c, 'SHUTDOWN', 'SAVE')).toBe('-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
        server.child.kill('SIGTERM');
        expect(await exitWithin(server, 1000)).toBe('running');
        expect(await text(c, 'GET', 'kept')).toBe('$15\r\nacross restarts\r\n');
        await c.call([b('SHUTDOWN'), b('FORCE')]).catch(() => undefined);
        c.close();
        expect(await exitWithin(server, 15000)).toBe(0);
      } finally {
        await kill(server);
      }
      // The temporary file was removed.
      expect(fs.readdirSync(dir)).toEqual(['dump.rdb']);
    }, 40000);
  });
}
