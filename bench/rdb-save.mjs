#!/usr/bin/env node
/**
 * SAVE and DEBUG RELOAD side by side with redis-server: both servers get the same data set
 * (DEBUG POPULATE N keys of 32-byte values, plus 2,000 small hashes, lists and sorted sets), then
 * SAVE and DEBUG RELOAD run in interleaved rounds; each row gives the wall time the client waited
 * and the server's CPU time for the command (utime+stime from /proc/PID/stat, 10 ms ticks), and
 * the RDB file sizes. Usage: node bench/rdb-save.mjs [keys=1000000] [rounds=3]
 */
import fs from 'node:fs';
import path from 'node:path';
import { cli, cpuSeconds, startLoadedPair } from './lib/rdb-bench.mjs';

const keys = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);

const { servers, stop } = await startLoadedPair('rdb-bench-', [7801, 7802], keys);
try {
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
  stop();
}
