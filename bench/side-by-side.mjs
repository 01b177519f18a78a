#!/usr/bin/env node
/**
 * Side-by-side redis-benchmark: real redis-server and Tessera (inline and worker modes) on free ports,
 * the same tests alternated A/B per round, throughput and ratio Tessera/Redis per test.
 *
 *   node bench/side-by-side.mjs [--tests set,get,incr,mset] [-n 100000] [-P 1] [-c 50] [--rounds 2] [--threads 0,2]
 *
 * Needs `redis-server` and `redis-benchmark` (Debian: apt-get install -y redis-server redis-tools) and a
 * built dist/ (npm run build:ts).
 */
import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const tests = opt('--tests', 'set,get,incr,mset');
const n = opt('-n', '100000');
const pipeline = opt('-P', '1');
const clients = opt('-c', '50');
const rounds = Number(opt('--rounds', '2'));
const threadModes = opt('--threads', '0,2').split(',').map(Number);

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(port) {
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'PING'], { stdio: 'pipe' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`server on ${port} did not start`);
}

function bench(port) {
  const out = execFileSync('redis-benchmark', ['-p', String(port), '-t', tests, '-n', n, '-r', '100000', '-P', pipeline, '-c', clients, '--csv'], {
    encoding: 'utf8',
  });
  const rows = {};
  for (const line of out.trim().split('\n').slice(1)) {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    rows[cells[0]] = { rps: Number(cells[1]), p50: Number(cells[5]), p99: Number(cells[7]) };
  }
  return rows;
}

const servers = [];
const redisPort = await freePort();
servers.push({ name: 'redis', port: redisPort, proc: spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }) });
for (const t of threadModes) {
  const port = await freePort();
  servers.push({
    name: `tessera-t${t}`,
    port,
    proc: spawn(process.execPath, [path.join(root, 'dist/cli.js'), '--port', String(port), '--threads', String(t), '--loglevel', 'warning'], { stdio: 'ignore' }),
  });
}
try {
  for (const s of servers) await waitReady(s.port);
  const results = Object.fromEntries(servers.map((s) => [s.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) results[s.name].push(bench(s.port));
  }
  const best = (name, test) => Math.max(...results[name].map((row) => row[test]?.rps ?? 0));
  const testNames = Object.keys(results.redis[0]);
  console.log(`redis-benchmark -n ${n} -r 100000 -c ${clients} -P ${pipeline}, best of ${rounds} rounds, requests/s`);
  const header = ['test', 'redis', ...threadModes.flatMap((t) => [`tessera-t${t}`, 'ratio'])];
  console.log(header.join('\t'));
  for (const test of testNames) {
    const base = best('redis', test);
    const cells = [test, base.toFixed(0)];
    for (const t of threadModes) {
      const v = best(`tessera-t${t}`, test);
      cells.push(v.toFixed(0), (v / base).toFixed(2));
    }
    console.log(cells.join('\t'));
  }
} finally {
  for (const s of servers) s.proc.kill('SIGTERM');
}
