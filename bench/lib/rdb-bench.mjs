/**
 * What the RDB benches (rdb-save.mjs, rdb-bgsave.mjs) share: redis-cli calls, a redis-server and a
 * Tessera started in their own `dir` with the same data set, and the server's CPU time from /proc.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TICK = 100;

/** utime + stime of process `pid`, in seconds (10 ms ticks). */
export function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}

export const cli = (port, ...args) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim();

async function start(kind, port, dir, threads) {
  const child =
    kind === 'redis'
      ? spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes'], { stdio: 'ignore' })
      : spawn(process.execPath, [path.join(here, '../../dist/cli.js'), '--port', String(port), '--threads', String(threads), '--save', '', '--dir', dir, '--enable-debug-command', 'yes'], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    try {
      cli(port, 'PING');
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${kind} did not start`);
}

/**
 * Starts redis-server on `ports[0]` and Tessera (`--threads threads`) on `ports[1]`, each in its own
 * temporary dir, loaded with DEBUG POPULATE `keys` keys of 32-byte values plus 2,000 small hashes,
 * lists and sorted sets. Returns the servers ({ kind, port, dir, child }) and a stop() that kills
 * them and removes the dirs.
 */
export async function startLoadedPair(prefix, ports, keys, threads = 0) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const servers = [
    { kind: 'redis', port: ports[0] },
    { kind: 'tessera', port: ports[1] },
  ];
  const stop = () => {
    for (const s of servers) s.child?.kill('SIGKILL');
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const s of servers) {
      s.dir = path.join(root, s.kind);
      fs.mkdirSync(s.dir);
      s.child = await start(s.kind, s.port, s.dir, threads);
      cli(s.port, 'DEBUG', 'POPULATE', String(keys), 'key', '32');
      cli(s.port, 'EVAL', "for i=1,2000 do redis.call('hset','h'..i,'a',i,'b','x') redis.call('rpush','l'..i,1,2,3,'x') redis.call('zadd','z'..i,i,'m') end", '0');
    }
  } catch (err) {
    stop();
    throw err;
  }
  return { servers, stop };
}
