#!/usr/bin/env node
/**
 * BGSAVE side by side with redis-server: both servers get the same data set (DEBUG POPULATE N keys
 * of 32-byte values, plus 2,000 small hashes, lists and sorted sets), then BGSAVE runs in
 * interleaved rounds. Each row: the time BGSAVE took to reply, latest_fork_usec (Redis: the fork;
 * Tessera: every shard held while their arenas are copied), the longest PING round trip of a client
 * pinging back to back during the save (the pause a client sees), and the wall time until
 * rdb_bgsave_in_progress is 0 again. Usage: node bench/rdb-bgsave.mjs [keys=1000000] [rounds=3] [threads=0]
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const keys = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);
const threads = String(process.argv[4] ?? 0);
const cli = (port, ...args) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim();

async function start(kind, port, dir) {
  const child =
    kind === 'redis'
      ? spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes'], { stdio: 'ignore' })
      : spawn(process.execPath, [path.join(here, '../dist/cli.js'), '--port', String(port), '--threads', threads, '--save', '', '--dir', dir, '--enable-debug-command', 'yes'], { stdio: 'ignore' });
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

/** PINGs back to back on one connection until stop(); resolves with the longest round trip (ms). */
function pinger(port) {
  const socket = net.connect(port, '127.0.0.1');
  let worst = 0;
  let sent = 0n;
  let running = true;
  let done;
  const finished = new Promise((r) => (done = r));
  const ping = () => {
    sent = process.hrtime.bigint();
    socket.write('PING\r\n');
  };
  socket.on('connect', ping);
  socket.on('data', () => {
    worst = Math.max(worst, Number(process.hrtime.bigint() - sent) / 1e6);
    if (running) ping();
    else {
      socket.destroy();
      done(worst);
    }
  });
  return { stop: () => ((running = false), finished) };
}

const info = (port, field) => new RegExp(`${field}:(\\S*)`).exec(cli(port, 'INFO', 'everything'))[1];

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bgsave-bench-'));
const servers = [
  { kind: 'redis', port: 7811 },
  { kind: 'tessera', port: 7812 },
];
try {
  for (const s of servers) {
    s.dir = path.join(root, s.kind);
    fs.mkdirSync(s.dir);
    s.child = await start(s.kind, s.port, s.dir);
    cli(s.port, 'DEBUG', 'POPULATE', String(keys), 'key', '32');
    cli(s.port, 'EVAL', "for i=1,2000 do redis.call('hset','h'..i,'a',i,'b','x') redis.call('rpush','l'..i,1,2,3,'x') redis.call('zadd','z'..i,i,'m') end", '0');
    s.used = Number(info(s.port, 'used_memory'));
  }
  console.log('| round | server | BGSAVE reply ms | latest_fork_usec | worst PING ms during the save | save done ms |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
  for (let round = 0; round < rounds; round++) {
    for (const s of servers) {
      const p = pinger(s.port);
      await new Promise((r) => setTimeout(r, 50));
      const t0 = process.hrtime.bigint();
      const reply = cli(s.port, 'BGSAVE');
      const replied = Number(process.hrtime.bigint() - t0) / 1e6;
      if (reply !== 'Background saving started') throw new Error(`${s.kind} BGSAVE: ${reply}`);
      while (info(s.port, 'rdb_bgsave_in_progress') !== '0') await new Promise((r) => setTimeout(r, 5));
      const total = Number(process.hrtime.bigint() - t0) / 1e6;
      const worst = await p.stop();
      if (info(s.port, 'rdb_last_bgsave_status') !== 'ok') throw new Error(`${s.kind}: the save failed`);
      console.log(`| ${round} | ${s.kind} | ${replied.toFixed(1)} | ${info(s.port, 'latest_fork_usec')} | ${worst.toFixed(1)} | ${total.toFixed(0)} |`);
    }
  }
  for (const s of servers) console.log(`${s.kind}: used_memory ${s.used} bytes, dump.rdb ${fs.statSync(path.join(s.dir, 'dump.rdb')).size} bytes`);
} finally {
  for (const s of servers) s.child?.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
}
