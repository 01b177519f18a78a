#!/usr/bin/env node
/**
 * SAVE and DEBUG RELOAD side by side with redis-server: both servers get the same data set
 * (DEBUG POPULATE N keys of 32-byte values, plus 2,000 small hashes, lists and sorted sets), then
 * SAVE and DEBUG RELOAD run in interleaved rounds; each row gives the wall time the client waited
 * and the server's CPU time for the command (utime+stime from /proc/PID/stat, 10 ms ticks), and
 * the RDB file sizes. Usage: node bench/rdb-save.mjs [keys=1000000] [rounds=3]
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const keys = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);
const TICK = 100;

function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}
const cli = (port, ...args) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();

async function start(kind, port, dir) {
  const child =
    kind === 'redis'
      ? spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes'], { stdio: 'ignore' })
      : spawn(process.execPath, [path.join(here, '../dist/cli.js'), '--port', String(port), '--threads', '0', '--dir', dir, '--enable-debug-command', 'yes'], { stdio: 'ignore' });
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

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rdb-bench-'));
const servers = [
  { kind: 'redis', port: 7801 },
  { kind: 'tessera', port: 7802 },
];
try {
  for (const s of servers) {
    s.dir = path.join(root, s.kind);
    fs.mkdirSync(s.dir);
    s.child = await start(s.kind, s.port, s.dir);
    cli(s.port, 'DEBUG', 'POPULATE', String(keys), 'key', '32');
    cli(s.port, 'EVAL', "for i=1,2000 do redis.call('hset','h'..i,'a',i,'b','x') redis.call('rpush','l'..i,1,2,3,'x') redis.call('zadd','z'..i,i,'m') end", '0');
  }
  console.log('| round | server | command | wall ms | server CPU ms |');
  console.log('| ---: | --- | --- | ---: | ---: |');
  for (let round = 0; round < rounds; round++) {
    for (const s of servers) {
      for (const command of [['SAVE'], ['DEBUG', 'RELOAD']]) {
        const cpu0 = cpuSeconds(s.child.pid);
        const t0 = process.hrtime.bigint();
        const reply = cli(s.port, ...command);
        const wall = Number(process.hrtime.bigint() - t0) / 1e6;
        const cpu = (cpuSeconds(s.child.pid) - cpu0) * 1000;
        if (reply !== 'OK') throw new Error(`${s.kind} ${command.join(' ')}: ${reply}`);
        console.log(`| ${round} | ${s.kind} | ${command.join(' ')} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} |`);
      }
    }
  }
  for (const s of servers) console.log(`${s.kind} dump.rdb: ${fs.statSync(path.join(s.dir, 'dump.rdb')).size} bytes`);
} finally {
  for (const s of servers) s.child?.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
}
