/**
 * Long scripts, compared byte for byte with a real redis-server 7.0.15: past busy-reply-threshold
 * (set to 100 ms here, through both of its names) other clients, old and new connections, get
 * -BUSY, allow_busy commands still run, SCRIPT KILL stops a read-only script (even one that
 * catches errors with pcall) and its caller gets Redis's error, replies queued before the script
 * come first, a script that wrote is UNKILLABLE and SHUTDOWN NOSAVE ends the process.
 *
 * A busy script stops the event loop of the process it runs in, so every server here is a child
 * process (Tessera in both thread modes, and redis-server), driven over raw sockets.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort, redisAvailable, waitForPort } from '../oracle/redis-server.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const haveRedis = redisAvailable();
if (!haveRedis) console.warn('busy-script.test: SKIPPING the comparison with redis-server: redis-server is not installed');

const LOOP = 'local i = 0 while true do i = i + 1 end';
const LOOP_IN_PCALL = 'local n = 0 while true do n = n + 1 pcall(function() local i = 0 while true do i = i + 1 end end) end';
const WRITE_THEN_LOOP = "redis.call('set', 'w', '1') local i = 0 while true do i = i + 1 end";

interface ServerProcess {
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

async function spawnServer(command: string, args: (port: number) => string[]): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(command, args(port), { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitForPort(port, child, command, 15000);
  return {
    port,
    child,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

const TARGETS: Array<{ name: string; start: () => Promise<ServerProcess> }> = [
  { name: 'redis-server', start: () => spawnServer('redis-server', (p) => ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning']) },
  { name: 'Tessera --threads 0', start: () => spawnServer(process.execPath, (p) => [CLI, '--port', String(p), '--bind', '127.0.0.1', '--threads', '0', '--loglevel', 'warning']) },
  { name: 'Tessera --threads 2', start: () => spawnServer(process.execPath, (p) => [CLI, '--port', String(p), '--bind', '127.0.0.1', '--threads', '2', '--loglevel', 'warning']) },
];

/** A raw RESP connection that collects what the server sends. */
class Conn {
  private data = '';
  closed = false;
  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.data += d;
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }

  send(...commands: string[][]): void {
    let out = '';
    for (const c of commands) out += `*${c.length}\r\n` + c.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('');
    this.socket.write(out, 'latin1');
  }

  /** Waits for `lines` CRLF-terminated lines (simple replies here) and answers them. */
  async lines(lines: number, timeoutMs = 3000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parts = this.data.split('\r\n');
      if (parts.length > lines) {
        const got = parts.slice(0, lines);
        this.data = parts.slice(lines).join('\r\n');
        return got;
      }
      if (Date.now() > deadline) return [...parts.slice(0, -1), `<timeout with ${JSON.stringify(this.data)}>`];
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** What arrived and was not read yet. */
  pending(): string {
    return this.data;
  }

  /** Waits until the server closes the connection; answers what it sent meanwhile. */
  async closing(timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    return this.closed ? this.data : `<still open with ${JSON.stringify(this.data)}>`;
  }

  close(): void {
    this.socket.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A read-only busy script killed with SCRIPT KILL: what every party saw. */
async function killReadOnly(port: number, script: string): Promise<Record<string, string[]>> {
  const before = await Conn.open(port);
  const caller = await Conn.open(port);
  const seen: Record<string, string[]> = {};
  try {
    before.send(['CONFIG', 'SET', 'lua-time-limit', '100'], ['SET', 'k', 'v']);
    seen.setup = await before.lines(2);
    // Replies to commands sent before the script in the same read are held with the script's
    // (Redis protects the caller: nothing is written to it while its script runs), in order.
    caller.send(['SET', 'k', 'v2'], ['GET', 'k'], ['EVAL', script, '0'], ['GET', 'k']);
    await sleep(250);
    seen.callerWhileBusy = [caller.pending()];
    before.send(['PING']);
    seen.oldConnection = await before.lines(1);
    const late = await Conn.open(port);
    try {
      late.send(['PING'], ['MULTI'], ['SET', 'a', '1'], ['EXEC'], ['WATCH', 'x'], ['UNWATCH'], ['SHUTDOWN'], ['GET', 'k']);
      seen.newConnection = await late.lines(8);
      late.send(['SCRIPT', 'KILL']);
      seen.kill = await late.lines(1);
      seen.caller = await caller.lines(6);
      late.send(['SCRIPT', 'KILL'], ['PING']);
      seen.after = await late.lines(2);
    } finally {
      late.close();
    }
  } finally {
    before.close();
    caller.close();
  }
  return seen;
}

const LIBRARY = "#!lua name=busylib\nredis.register_function('spin', function(keys, args)\n  local i = 0 while true do i = i + 1 end\nend)";

/** A busy function: FUNCTION STATS shows it, SCRIPT KILL is refused, FUNCTION KILL stops it. */
async function killFunction(port: number): Promise<Record<string, string[]>> {
  const other = await Conn.open(port);
  const caller = await Conn.open(port);
  const seen: Record<string, string[]> = {};
  try {
    other.send(['CONFIG', 'SET', 'busy-reply-threshold', '100'], ['FUNCTION', 'LOAD', 'REPLACE', LIBRARY]);
    seen.setup = await other.lines(3);
    caller.send(['FCALL', 'spin', '1', 'k', 'arg']);
    await sleep(250);
    other.send(['PING'], ['FUNCTION', 'STATS']);
    const lines = await other.lines(37);
    // duration_ms varies: keep its position, not its value.
    seen.stats = lines.map((l, i) => (i > 0 && lines[i - 1] === 'duration_ms' ? ':<ms>' : l));
    other.send(['SCRIPT', 'KILL'], ['FUNCTION', 'KILL']);
    seen.kill = await other.lines(2);
    seen.caller = await caller.lines(1);
    other.send(['FUNCTION', 'KILL'], ['FUNCTION', 'STATS'], ['FUNCTION', 'DELETE', 'busylib']);
    seen.after = await other.lines(18);
  } finally {
    other.close();
    caller.close();
  }
  return seen;
}

/** FUNCTION KILL and FUNCTION STATS while an EVAL script is busy. */
async function functionCommandsDuringEval(port: number): Promise<Record<string, string[]>> {
  const other = await Conn.open(port);
  const caller = await Conn.open(port);
  const seen: Record<string, string[]> = {};
  try {
    other.send(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
    seen.setup = await other.lines(1);
    caller.send(['EVAL', LOOP, '0']);
    await sleep(250);
    other.send(['FUNCTION', 'KILL'], ['FUNCTION', 'STATS'], ['SCRIPT', 'KILL']);
    seen.refused = await other.lines(3);
    seen.caller = await caller.lines(1);
  } finally {
    other.close();
    caller.close();
  }
  return seen;
}

/** A script that wrote: UNKILLABLE, and only SHUTDOWN NOSAVE ends it (with the process). */
async function shutdownUnkillable(server: ServerProcess): Promise<Record<string, string[] | string | number | null>> {
  const other = await Conn.open(server.port);
  const caller = await Conn.open(server.port);
  const seen: Record<string, string[] | string | number | null> = {};
  try {
    other.send(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
    seen.setup = await other.lines(1);
    caller.send(['EVAL', WRITE_THEN_LOOP, '0']);
    await sleep(250);
    other.send(['SCRIPT', 'KILL'], ['SHUTDOWN'], ['SHUTDOWN', 'SAVE']);
    seen.refused = await other.lines(3);
    other.send(['SHUTDOWN', 'NOSAVE']);
    seen.shutdown = await other.closing();
    seen.caller = await caller.closing();
    seen.exitCode = await Promise.race([server.exited, sleep(3000).then(() => 'still running')]);
  } finally {
    other.close();
    caller.close();
  }
  return seen;
}

describe.skipIf(!haveRedis)('long scripts match redis-server', () => {
  const results = new Map<string, Record<string, unknown>>();
  const servers = new Map<string, ServerProcess>();

  beforeAll(async () => {
    for (const t of TARGETS) servers.set(t.name, await t.start());
  }, 30000);
  afterAll(async () => {
    for (const s of servers.values()) await s.stop();
  });

  for (const t of TARGETS) {
    it(`${t.name}: a read-only script is refused to others with -BUSY and stopped by SCRIPT KILL`, async () => {
      const seen = await killReadOnly(servers.get(t.name)!.port, LOOP);
      results.set(`${t.name} loop`, seen);
      expect(seen.oldConnection).toEqual(['-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.']);
      expect(seen.kill).toEqual(['+OK']);
      expect(seen.caller).toEqual(['+OK', '$2', 'v2', '-ERR Script killed by user with SCRIPT KILL... script: 3fcf51a9b854b8f66cb8685600b0d7df968f4398, on @user_script:1.', '$2', 'v2']);
      expect(seen.after).toEqual(['-NOTBUSY No scripts in execution right now.', '+PONG']);
    });

    it(`${t.name}: a kill is not swallowed by pcall inside the script`, async () => {
      const seen = await killReadOnly(servers.get(t.name)!.port, LOOP_IN_PCALL);
      results.set(`${t.name} pcall`, seen);
      expect(seen.kill).toEqual(['+OK']);
      expect(seen.caller[3]).toMatch(/^-ERR Script killed by user with SCRIPT KILL\.\.\./);
    });
  }

  for (const t of TARGETS) {
    it(`${t.name}: a busy function is shown by FUNCTION STATS and stopped by FUNCTION KILL only`, async () => {
      const seen = await killFunction(servers.get(t.name)!.port);
      results.set(`${t.name} function`, seen);
      expect(seen.kill).toEqual(['-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.', '+OK']);
      expect(seen.caller).toEqual(['-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:3.']);
    });

    it(`${t.name}: FUNCTION KILL and FUNCTION STATS refuse a busy EVAL script`, async () => {
      const seen = await functionCommandsDuringEval(servers.get(t.name)!.port);
      results.set(`${t.name} eval-function`, seen);
      expect(seen.refused[0]).toBe('-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    });
  }

  it('Tessera answers exactly what redis-server answers, in both thread modes', () => {
    for (const kind of ['loop', 'pcall', 'function', 'eval-function']) {
      const redis = results.get(`redis-server ${kind}`);
      expect(redis).toBeDefined();
      for (const t of TARGETS.slice(1)) expect(results.get(`${t.name} ${kind}`), `${t.name} ${kind}`).toEqual(redis);
    }
  });
});

describe.skipIf(!haveRedis)('a script that wrote cannot be killed; SHUTDOWN NOSAVE ends the server', () => {
  it('as redis-server does, in both thread modes', async () => {
    const seen: Array<Record<string, unknown>> = [];
    for (const t of TARGETS) {
      const server = await t.start();
      try {
        seen.push(await shutdownUnkillable(server));
      } finally {
        await server.stop();
      }
    }
    expect(seen[0]).toEqual({
      setup: ['+OK'],
      refused: [
        '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
        '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
        '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
      ],
      shutdown: '',
      caller: '',
      exitCode: 0,
    });
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
  }, 30000);
});
