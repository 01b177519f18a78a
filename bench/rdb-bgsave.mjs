#!/usr/bin/env node
/**
 * BGSAVE side by side with redis-server: both servers get the same data set (DEBUG POPULATE N keys
 * of 32-byte values, plus 2,000 small hashes, lists and sorted sets), then BGSAVE runs in
 * interleaved rounds. Each row: the time BGSAVE took to reply, latest_fork_usec (Redis: the fork;
 * Tessera: every shard held while their arenas are copied), the longest PING round trip of a client
 * pinging back to back during the save (the pause a client sees), and the wall time until
 * rdb_bgsave_in_progress is 0 again. Usage: node bench/rdb-bgsave.mjs [keys=1000000] [rounds=3] [threads=0]
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { cli, startLoadedPair } from './lib/rdb-bench.mjs';

const keys = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);
const threads = String(process.argv[4] ?? 0);

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

const { servers, stop } = await startLoadedPair('bgsave-bench-', [7811, 7812], keys, threads);
try {
  for (const s of servers) {
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
  stop();
}
