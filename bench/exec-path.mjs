#!/usr/bin/env node
/**
 * The server's JavaScript cost per command, without the kernel: the commands redis-benchmark sends
 * are fed to an in-process server (--threads 0) through the same entry point a socket read uses
 * (parse, dispatch, execute, reply, flush), on a connection whose socket is a stub that only
 * counts the bytes written. So this measures what Tessera itself spends per command, the part a
 * change to the data path can move, free of the loopback TCP cost and of the machine's noise.
 *
 *   npx tsc -p tsconfig.json && node bench/exec-path.mjs [--tests set,get,...] [--pipeline 16]
 *        [--rounds 5] [--ms 300] [--keys 100000] [--config name=value,name=value] [--acl-keys]
 *
 * Each test runs batches of `--pipeline` commands (one batch per simulated read) for `--ms` of CPU
 * time per round; the figure is CPU time per command (process.cpuUsage, user + system), best of
 * `--rounds`, after a warm-up round. Keys and members follow redis-benchmark's `-r --keys`
 * (`key:000000012345`, `element:000000012345`), lists/sets/zsets are refilled before the tests
 * that empty them. `--config` applies settings as CONFIG SET does (e.g. `maxmemory=1gb`, to measure
 * the eviction check).
 *
 * --acl-keys runs the commands as an ACL user whose keys are allowed by a pattern (`%RW~*`) rather
 * than `allkeys`, so every keyed command takes the per-key permission check (src/server/acl.ts).
 */
import { performance } from 'node:perf_hooks';
import { Config } from '../dist/config/config.js';
import { Server } from '../dist/server/server.js';
import { inProcessServer, pad, resp } from './lib/in-process.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
};
const PIPELINE = Number(option('--pipeline', '16'));
const ROUNDS = Number(option('--rounds', '5'));
const MS = Number(option('--ms', '300'));
const KEYS = Number(option('--keys', '100000'));
const VALUE = 'xxx';

let seed = 12345;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % KEYS;
};
/** A second generator for ZADD's scores, so score and member are not consecutive draws of one LCG. */
let scoreSeed = 987654321;
const randScore = () => {
  scoreSeed = (Math.imul(scoreSeed, 1664525) + 1013904223) >>> 0;
  return scoreSeed % KEYS;
};

/** redis-benchmark's tests: a command builder per request. */
const TESTS = {
  ping_inline: () => 'PING\r\n',
  ping_mbulk: () => resp('PING'),
  set: () => resp('SET', `key:${pad(rand())}`, VALUE),
  get: () => resp('GET', `key:${pad(rand())}`),
  incr: () => resp('INCR', `counter:${pad(rand())}`),
  lpush: () => resp('LPUSH', 'mylist', VALUE),
  rpush: () => resp('RPUSH', 'mylist', VALUE),
  lpop: () => resp('LPOP', 'mylist'),
  rpop: () => resp('RPOP', 'mylist'),
  sadd: () => resp('SADD', 'myset', `element:${pad(rand())}`),
  hset: () => resp('HSET', 'myhash', `element:${pad(rand())}`, VALUE),
  spop: () => resp('SPOP', 'myset'),
  zadd: () => resp('ZADD', 'myzset', String(randScore()), `element:${pad(rand())}`),
  zpopmin: () => resp('ZPOPMIN', 'myzset'),
  lrange_100: () => resp('LRANGE', 'mylist', '0', '99'),
  lrange_600: () => resp('LRANGE', 'mylist', '0', '599'),
  mset: () => resp('MSET', ...Array.from({ length: 10 }, () => [`key:${pad(rand())}`, VALUE]).flat()),
};

function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const { server, socket, feed } = inProcessServer(Config, Server);
for (const setting of option('--config', '').split(',').filter((s) => s !== '')) {
  const eq = setting.indexOf('=');
  server.config.setFromText(setting.slice(0, eq), setting.slice(eq + 1));
}
if (args.includes('--acl-keys')) {
  feed(Buffer.from(resp('ACL', 'SETUSER', 'bench', 'on', 'nopass', '+@all', '&*', '%RW~*') + resp('AUTH', 'bench', 'x'), 'latin1'));
}

/** Batches prepared in advance so building them is not measured. */
function batches(test, count) {
  const out = [];
  for (let b = 0; b < count; b++) {
    let s = '';
    for (let i = 0; i < PIPELINE; i++) s += TESTS[test]();
    out.push(Buffer.from(s, 'latin1'));
  }
  return out;
}

/** Commands that put back what a popping test takes (one per pop), or null for other tests. */
const REFILL = {
  lpop: () => resp('LPUSH', 'mylist', VALUE),
  rpop: () => resp('LPUSH', 'mylist', VALUE),
  spop: () => resp('SADD', 'myset', `element:${pad(rand())}`),
  zpopmin: () => resp('ZADD', 'myzset', String(randScore()), `element:${pad(rand())}`),
};

function prepare(test) {
  // LRANGE has 600 items to read; popping tests start from 20,000 elements.
  if (['lpop', 'rpop', 'lrange_100', 'lrange_600'].includes(test)) {
    for (let k = 0; k < 200; k++) feed(Buffer.from(Array.from({ length: 100 }, () => resp('LPUSH', 'mylist', VALUE)).join(''), 'latin1'));
  }
  if (test === 'spop' || test === 'zpopmin') {
    for (let k = 0; k < 200; k++) feed(Buffer.from(Array.from({ length: 100 }, REFILL[test]).join(''), 'latin1'));
  }
}

/**
 * One round: CPU time per command over `--ms`. A popping test would empty its key within
 * milliseconds and then measure pops of a missing key, so before every 64 batches it puts back as
 * many elements as they pop, and that refill's CPU time is left out.
 */
function round(test, work, refill) {
  prepare(test);
  let i = 0;
  let r = 0;
  let commands = 0;
  let excluded = 0;
  const t0 = cpuMs();
  let t = t0;
  while (t - t0 - excluded < MS) {
    if (refill !== null) {
      feed(refill[r]);
      r = (r + 1) % refill.length;
      const t1 = cpuMs();
      excluded += t1 - t;
      t = t1;
    }
    for (let k = 0; k < 64; k++) {
      feed(work[i]);
      i = (i + 1) % work.length;
    }
    commands += 64 * PIPELINE;
    t = cpuMs();
  }
  return ((t - t0 - excluded) * 1000) / commands;
}

const chosen = option('--tests', Object.keys(TESTS).join(',')).split(',');
const wall = performance.now();
console.log(`exec-path: us of CPU per command, in-process --threads 0, pipeline ${PIPELINE}, best of ${ROUNDS} x ${MS} ms${option('--config', '') === '' ? '' : `, config ${option('--config', '')}`}`);
for (const test of chosen) {
  if (!(test in TESTS)) throw new Error(`unknown test ${test}`);
  const work = batches(test, 512);
  const refill = test in REFILL ? Array.from({ length: 8 }, () => Buffer.from(Array.from({ length: 64 * PIPELINE }, REFILL[test]).join(''), 'latin1')) : null;
  round(test, work, refill);
  const results = [];
  for (let r = 0; r < ROUNDS; r++) results.push(round(test, work, refill));
  results.sort((a, b) => a - b);
  console.log(`${test.padEnd(12)} ${results[0].toFixed(3).padStart(8)} us   (median ${results[results.length >> 1].toFixed(3)})`);
}
console.log(`(${((performance.now() - wall) / 1000).toFixed(1)} s, ${socket.bytes} reply bytes, ${socket.errors} error replies)`);
await server.close();
