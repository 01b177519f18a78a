/**
 * MONITOR against a real redis-server 7.0.15: the same command script runs on both while a monitor
 * listens, and the monitor streams must be equal once timestamps and client ports are normalised.
 * This covers which commands are fed (admin commands and rejected commands are not), when (after
 * the command ran: SELECT shows its new database, EXEC comes after its commands; EVAL and FCALL
 * before the commands their script calls, which show as `lua`), quoting of binary arguments, the
 * redaction of AUTH and HELLO secrets, and blocking commands fed once. Every execution mode.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import { MODES, startTessera } from './modes.js';
import { RawClient } from '../oracle/resp-client.js';
import { redisAvailable, startRedis, type RedisProcess } from '../oracle/redis-server.js';

const HAVE_REDIS = redisAvailable();
if (!HAVE_REDIS) console.warn('redis-server not found: the MONITOR comparison with Redis is skipped (apt-get install redis-server)');

/** A raw connection that keeps everything it receives as text. */
class Listener {
  text = '';
  private waiters: Array<() => void> = [];
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.text += d.toString('latin1');
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<Listener> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Listener(s)));
      s.once('error', reject);
    });
  }

  send(line: string): void {
    this.socket.write(line + '\r\n');
  }

  /** Resolves once the received text contains `needle`; rejects after `ms`. */
  async waitFor(needle: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.text.includes(needle)) {
      if (Date.now() > deadline) throw new Error(`did not receive ${JSON.stringify(needle)}; got ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

const b = (s: string) => Buffer.from(s, 'latin1');
const cmd = (...args: string[]) => args.map(b);

const LIBRARY = "#!lua name=monlib\nredis.register_function('setget', function(keys, args) redis.call('set', keys[1], args[1]) return redis.call('get', keys[1]) end)";

/** Runs the script on the server at `port` and returns the monitor's lines after its +OK. */
async function monitorSession(port: number): Promise<string[]> {
  const monitor = await Listener.connect(port);
  const a = await RawClient.connect(port);
  const other = await RawClient.connect(port);
  try {
    monitor.send('MONITOR');
    await monitor.waitFor('+OK\r\n');
    const calls: Buffer[][] = [
      cmd('SET', 'a', '1'),
      cmd('GET', 'a'),
      cmd('SELECT', '3'),
      cmd('GET', 'a b"c'),
      cmd('SELECT', '0'),
      cmd('SET', 'bin', '\x01\xff\n\t\\\x7f\r\x07\x08'),
      cmd('MULTI'),
      cmd('SET', 'x', '1'),
      cmd('INCR', 'x'),
      cmd('SELECT', '2'),
      cmd('EXEC'),
      cmd('SELECT', '0'),
      cmd('MULTI'),
      cmd('GET', 'a'),
      cmd('DISCARD'),
      cmd('MULTI'),
      cmd('MONITOR'),
      cmd('EXEC'),
      cmd('EVAL', "redis.call('set', 'k', 'v') redis.call('select', 2) return redis.call('get', 'k')", '0'),
      cmd('FUNCTION', 'LOAD', 'REPLACE', LIBRARY),
      cmd('FCALL', 'setget', '1', 'fk', 'fv'),
      cmd('FCALL', 'nope', '0'),
      cmd('AUTH', 'secret'),
      cmd('AUTH', 'user', 'secret'),
      cmd('HELLO', '2', 'AUTH', 'default', 'secret'),
      cmd('HELLO', '2', 'SETNAME', 'mon'),
      cmd('CONFIG', 'GET', 'maxmemory'),
      cmd('CLIENT', 'SETNAME', 'abc'),
      cmd('CLIENT', 'ID'),
      cmd('DEBUG', 'SLEEP', '0'),
      cmd('NOSUCHCOMMAND', 'x'),
      cmd('GET'),
      cmd('ECHO', 'hello'),
      cmd('PING'),
      cmd('BLPOP', 'empty', '0.01'),
    ];
    for (const c of calls) await a.call(c);
    // A blocked command is fed when it is first tried, not again when it is served.
    const blocked = other.call(cmd('BLPOP', 'q', '5'));
    await monitor.waitFor('"BLPOP" "q" "5"');
    await a.call(cmd('RPUSH', 'q', 'item'));
    await blocked;
    // The monitor itself: PING runs (and is fed), keyspace commands are refused (and not fed),
    // a second MONITOR answers nothing, RESET ends monitoring.
    monitor.send('GET a');
    await monitor.waitFor("-ERR Replica can't interact with the keyspace\r\n");
    monitor.send('MONITOR');
    monitor.send('PING');
    await monitor.waitFor('+PONG\r\n');
    await a.call(cmd('ECHO', 'before-reset'));
    await monitor.waitFor('"before-reset"');
    monitor.send('RESET');
    await monitor.waitFor('+RESET\r\n');
    await a.call(cmd('SET', 'after', 'reset'));
    monitor.send('ECHO end');
    await monitor.waitFor('$3\r\nend\r\n');
    await a.call(cmd('FUNCTION', 'DELETE', 'monlib'));
    return monitor.text.split('\r\n').slice(1, -1);
  } finally {
    monitor.close();
    a.close();
    other.close();
  }
}

/** Timestamps become T and each ip:port its order of first appearance. */
function normalise(lines: string[]): string[] {
  const ids = new Map<string, string>();
  return lines.map((line) =>
    line.replace(/^\+\d+\.\d{6} \[(\d+) ([^\]]+)\]/, (_m, db: string, source: string) => {
      if (source !== 'lua' && !ids.has(source)) ids.set(source, `client${ids.size + 1}`);
      return `+T [${db} ${source === 'lua' ? 'lua' : ids.get(source)}]`;
    }),
  );
}

describe.skipIf(!HAVE_REDIS)('MONITOR, compared with redis-server', () => {
  let redis: RedisProcess;
  let expected: string[];

  beforeAll(async () => {
    redis = await startRedis();
    expected = normalise(await monitorSession(redis.port));
  }, 30000);

  afterAll(async () => {
    await redis?.close();
  });

  it('the reference stream is what the script implies', () => {
    // Guards the comparison itself: Redis's stream has the lines this test is about.
    expect(expected).toContain('+T [3 client1] "SELECT" "3"');
    expect(expected).toContain('+T [0 lua] "set" "k" "v"');
    expect(expected).toContain('+T [0 client1] "AUTH" "(redacted)"');
    expect(expected.filter((l) => l.includes('"BLPOP" "q"'))).toHaveLength(1);
    expect(expected.some((l) => l.includes('CONFIG'))).toBe(false);
  });

  for (const mode of MODES) {
    describe(mode.name, () => {
      let server: Awaited<ReturnType<typeof startTessera>>;
      beforeAll(async () => {
        server = await startTessera(mode.options);
      });
      afterAll(async () => {
        await server?.close();
      });

      it('feeds the same lines as Redis, in the same order', async () => {
        const lines = await monitorSession(server.port);
        expect(normalise(lines)).toEqual(expected);
      }, 30000);

      it('stamps lines with the wall clock in seconds and microseconds', async () => {
        const monitor = await Listener.connect(server.port);
        const a = await RawClient.connect(server.port);
        try {
          monitor.send('MONITOR');
          await monitor.waitFor('+OK\r\n');
          const before = Date.now();
          await a.call(cmd('PING'));
          await monitor.waitFor('"PING"\r\n');
          const stamp = /\+(\d+)\.(\d{6}) \[0 127\.0\.0\.1:\d+\] "PING"/.exec(monitor.text);
          expect(stamp).not.toBeNull();
          const ms = Number(stamp![1]) * 1000 + Number(stamp![2]) / 1000;
          expect(Math.abs(ms - before)).toBeLessThan(2000);
        } finally {
          monitor.close();
          a.close();
        }
      });

      it('stops feeding a monitor that disconnected, and lists a monitor with flag O', async () => {
        const monitor = await Listener.connect(server.port);
        const a = await RawClient.connect(server.port);
        try {
          monitor.send('MONITOR');
          await monitor.waitFor('+OK\r\n');
          const list = (await a.call(cmd('CLIENT', 'LIST'))).toString('latin1');
          expect(list).toMatch(/flags=O /);
          monitor.close();
          for (let i = 0; i < 50; i++) {
            const l = (await a.call(cmd('CLIENT', 'LIST'))).toString('latin1');
            if (!l.includes('flags=O ')) break;
            await new Promise((r) => setTimeout(r, 20));
          }
          expect((await a.call(cmd('SET', 'still', 'works'))).toString()).toBe('+OK\r\n');
          expect((await a.call(cmd('CLIENT', 'LIST'))).toString('latin1')).not.toMatch(/flags=O /);
        } finally {
          monitor.close();
          a.close();
        }
      });
    });
  }
});
