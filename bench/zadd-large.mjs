#!/usr/bin/env node
/**
 * ZADD / ZPOPMIN on one large zset, in process: what redis-benchmark's `-t zadd -r 100000` does to the
 * server once its zset has grown (skiplist encoding, tens of thousands of members), which
 * exec-path.mjs does not reach (its 8192 prepared commands repeat, so its ZADDs soon rewrite equal
 * scores). Commands are fed through the same entry point as a socket read (--threads 0).
 *
 *   npx tsc -p tsconfig.json && node bench/zadd-large.mjs [--members 100000] [--rounds 5] [--dist dist]
 *
 * zadd: `ZADD myzset <0..members-1> element:<0..members-1>` (fresh random draws, pipeline 16) on a zset
 * prefilled with `members` such ZADDs; zpopmin pops from it (refilled). Figures are us of CPU per
 * command, best of rounds.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { inProcessServer, pad, resp } from './lib/in-process.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
};
const MEMBERS = Number(option('--members', '100000'));
const ROUNDS = Number(option('--rounds', '5'));
const DIST = resolve(option('--dist', 'dist'));
const PIPELINE = 16;
const PER_ROUND = 80000;

const { Config } = await import(pathToFileURL(`${DIST}/config/config.js`).href);
const { Server } = await import(pathToFileURL(`${DIST}/server/server.js`).href);

let seed = 12345;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 8) % MEMBERS;
};
let scoreSeed = 987654321;
const randScore = () => {
  scoreSeed = (Math.imul(scoreSeed, 1664525) + 1013904223) >>> 0;
  return (scoreSeed >>> 8) % MEMBERS;
};
const zadd = () => resp('ZADD', 'myzset', String(randScore()), `element:${pad(rand())}`);

const { server, socket, feed } = inProcessServer(Config, Server);

function batches(make, commands) {
  const out = [];
  for (let b = 0; b < commands / PIPELINE; b++) {
    let s = '';
    for (let i = 0; i < PIPELINE; i++) s += make();
    out.push(Buffer.from(s, 'latin1'));
  }
  return out;
}
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
function run(work) {
  const t0 = cpuUs();
  for (const b of work) feed(b);
  return (cpuUs() - t0) / (work.length * PIPELINE);
}

for (const b of batches(zadd, MEMBERS)) feed(b);
const results = { zadd: [], zpopmin: [] };
for (let r = 0; r < ROUNDS; r++) {
  results.zadd.push(run(batches(zadd, PER_ROUND)));
  const pops = batches(() => resp('ZPOPMIN', 'myzset'), 32000);
  results.zpopmin.push(run(pops));
  for (const b of batches(zadd, 32000)) feed(b);
}
for (const [test, list] of Object.entries(results)) {
  list.sort((a, b) => a - b);
  console.log(`${test.padEnd(8)} ${list[0].toFixed(3).padStart(7)} us   (median ${list[list.length >> 1].toFixed(3)})`);
}
feed(Buffer.from(resp('ZCARD', 'myzset')));
console.log(`(${socket.errors} error replies)`);
await server.close();
