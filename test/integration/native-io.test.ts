/**
 * Connections served on the addon's I/O set (src/server/native-io.ts, native/src/netio.rs): output
 * the kernel does not take at once, closes from either side, interleaved pipelines.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import { startTessera } from './modes.js';

const ADDON = fs.existsSync(new URL('../../native/tessera.node', import.meta.url));

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Collects a socket's input until `done(bytes)` holds; rejects after `ms`. */
function readUntil(socket: net.Socket, done: (all: Buffer) => boolean, ms = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => reject(new Error(`timed out after ${size} bytes`)), ms);
    const onData = (chunk: Buffer) => {
      parts.push(chunk);
      size += chunk.length;
      const all = Buffer.concat(parts, size);
      if (done(all)) {
        clearTimeout(timer);
        socket.off('data', onData);
        resolve(all);
      }
    };
    socket.on('data', onData);
  });
}

const closed = (socket: net.Socket, ms = 5_000): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('still open')), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });

const command = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

for (const threads of [0, 2]) {
  describe(`native io, --threads ${threads}`, () => {
    let server: { port: number; close(): Promise<void> };

    beforeAll(async () => {
      server = await startTessera({ threads, io: 'native' });
    });
    afterAll(async () => {
      await server.close();
    });

    it('is the I/O path in use when the addon is built', async () => {
      const { NativeIo } = (await import('../../dist/server/native-io.js')) as typeof import('../../src/server/native-io.js');
      expect(NativeIo.shared() !== null).toBe(ADDON);
    });

    it('delivers a reply bigger than the socket buffers whole to a reader that pauses', async () => {
      const value = Array.from({ length: 6 << 20 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('');
      const writer = await connect(server.port);
      writer.write(command('SET', 'native-io:big', value));
      await readUntil(writer, (all) => all.toString() === '+OK\r\n');
      const reader = await connect(server.port);
      reader.pause();
      reader.write(command('GET', 'native-io:big') + command('PING'));
      await new Promise((r) => setTimeout(r, 300)); // the server meets a full socket buffer meanwhile
      const expected = `$${value.length}\r\n${value}\r\n+PONG\r\n`;
      const got = readUntil(reader, (all) => all.length >= expected.length);
      reader.resume();
      expect((await got).toString('latin1')).toBe(expected);
      writer.destroy();
      reader.destroy();
    });

    it('answers QUIT and then closes the connection', async () => {
      const s = await connect(server.port);
      const gone = closed(s);
      const reply = readUntil(s, (all) => all.toString() === '+OK\r\n');
      s.write(command('QUIT') + command('PING'));
      expect((await reply).toString()).toBe('+OK\r\n');
      await gone;
    });

    it('forgets a connection closed in the middle of a command and keeps serving the others', async () => {
      const s = await connect(server.port);
      s.write('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$10\r\nabc');
      await new Promise((r) => setTimeout(r, 50));
      s.destroy();
      const other = await connect(server.port);
      other.write(command('GET', 'a') + command('PING'));
      expect((await readUntil(other, (all) => all.toString().endsWith('+PONG\r\n'))).toString()).toBe('$-1\r\n+PONG\r\n');
      other.destroy();
    });

    it('answers interleaved pipelines from many connections in order on each', async () => {
      const sockets = await Promise.all(Array.from({ length: 20 }, () => connect(server.port)));
      const replies = sockets.map((s, i) => {
        const expected = Array.from({ length: 200 }, (_, k) => `:${k + 1}\r\n`).join('');
        const got = readUntil(s, (all) => all.length >= expected.length);
        s.write(Array.from({ length: 200 }, () => command('INCR', `native-io:counter:${i}`)).join(''));
        return got.then((all) => expect(all.toString()).toBe(expected));
      });
      await Promise.all(replies);
      for (const s of sockets) s.destroy();
    });

    it('closes a connection killed by CLIENT KILL', async () => {
      const victim = await connect(server.port);
      victim.write(command('CLIENT', 'ID'));
      const id = (await readUntil(victim, (all) => all.toString().endsWith('\r\n'))).toString().slice(1, -2);
      const gone = closed(victim);
      const killer = await connect(server.port);
      killer.write(command('CLIENT', 'KILL', 'ID', id));
      expect((await readUntil(killer, (all) => all.toString().endsWith('\r\n'))).toString()).toBe(':1\r\n');
      await gone;
      killer.destroy();
    });
  });
}
