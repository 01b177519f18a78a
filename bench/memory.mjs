#!/usr/bin/env node
/**
 * Memory side by side: the same data set loaded into a fresh redis-server and a fresh Tessera per
 * mode, then the resident set size of each server process (VmRSS from /proc/PID/status) and its own
 * INFO used_memory are compared.
 *
 *   node bench/memory.mjs [--datasets strings,hashes,zsets,lists] [--scale 1] [--threads 0,2] [--rounds 1] [--settle 2000]
 *        [--serve-requests 200000]
 *   npm run bench -- --memory [same options]
 *
 * Data sets (at --scale 1; --scale 0.01 makes a quick run):
 *   strings   1,000,000 keys `key:0000000`.., 32-byte values                      SET
 *   hashes    100,000 hashes of 10 fields (`field:N`, 16-byte values)            HSET with all 10 fields
 *   zsets     10,000 sorted sets of 100 members (`member:00000`.., integer scores) ZADD with all 100
 *   lists     10,000 lists of 100 items of 16 bytes                                RPUSH with all 100
 *
 * The loader pipelines 1,000 commands per write over one raw socket, at most 4 writes in flight.
 * After loading, each server idles --settle ms (2000) before it is measured (Tessera's V8 heap then holds
 * less of the loader's garbage; Redis's RSS does not move). RSS is reported before loading (an empty
 * server), after, and the difference; the ratios are Tessera/Redis.
 *
 * Then each server serves: `redis-benchmark -t set,get,zadd,lpush -P 16 -c 50 -r 100000`, a warm-up
 * pass of half --serve-requests per test and right after it the measured pass, during which VmRSS is
 * sampled every 100 ms; "RSS serving" is the median sample. An idle server can give memory back that a
 * serving one takes again (Tessera releases node's file pages and trims glibc's heap after a busy
 * period, src/native/process-memory.ts), so this column says what the server holds while it works.
 * Both servers get the same traffic (it adds ~100,000 small keys and two large ones to the data set).
 * --serve-requests 0 skips it.
 */
import os from 'node:os';
import { spawn } from 'node:child_process';
import { requireBinaries, startServer, stopAll, parseThreadModes, rssBytes, info } from './lib/servers.mjs';
import { encode, openPipe } from './lib/resp.mjs';
import { median, spread, table, fmtInt, fmtMiB, fmtRatio, fmtPct, parseOptions } from './lib/report.mjs';

const BATCH = 1000;
const IN_FLIGHT = 4;

const pad = (i, width) => String(i).padStart(width, '0');

/** Each data set: how many top-level keys at scale 1, and the command that writes key number i. */
export const DATASETS = {
  strings: {
    label: '1,000,000 strings, 32-byte values',
    keys: 1_000_000,
    command: (i) => encode(['SET', `key:${pad(i, 7)}`, `value:${pad(i, 7)}:`.padEnd(32, 'x')]),
  },
  hashes: {
    label: '100,000 hashes of 10 fields',
    keys: 100_000,
    command: (i) => {
      const args = ['HSET', `hash:${pad(i, 6)}`];
      for (let f = 0; f < 10; f++) args.push(`field:${f}`, `v:${pad(i, 6)}:${f}`.padEnd(16, 'x'));
      return encode(args);
    },
  },
  zsets: {
    label: '10,000 sorted sets of 100 members',
    keys: 10_000,
    command: (i) => {
      const args = ['ZADD', `zset:${pad(i, 5)}`];
      for (let m = 0; m < 100; m++) args.push(String(m * 7 + i), `member:${pad(m, 5)}`);
      return encode(args);
    },
  },
  lists: {
    label: '10,000 lists of 100 items',
    keys: 10_000,
    command: (i) => {
      const args = ['RPUSH', `list:${pad(i, 5)}`];
      for (let m = 0; m < 100; m++) args.push(`item:${pad(i, 5)}:${pad(m, 3)}`.padEnd(16, 'x'));
      return encode(args);
    },
  },
};

/** Loads `count` keys of data set `ds` into the server on `port`; resolves with the elapsed ms. */
export async function load(port, ds, count) {
  const pipe = await openPipe(port);
  const t0 = performance.now();
  try {
    for (let start = 0; start < count; start += BATCH) {
      const end = Math.min(count, start + BATCH);
      const parts = [];
      for (let i = start; i < end; i++) parts.push(ds.command(i));
      await pipe.until((IN_FLIGHT - 1) * BATCH);
      pipe.send(Buffer.concat(parts), end - start);
    }
    await pipe.until(0);
    const { count: errors, first } = pipe.errors;
    if (errors > 0) throw new Error(`${errors} error replies while loading, first: ${first}`);
  } finally {
    pipe.close();
  }
  return performance.now() - t0;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const SERVE_ARGS = ['-t', 'set,get,zadd,lpush', '-P', '16', '-c', '50', '-r', '100000', '-q'];

function runBenchmark(port, requests) {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', ['-p', String(port), '-n', String(requests), ...SERVE_ARGS], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-benchmark exited with code ${code}`))));
  });
}

/** The median VmRSS of the server while redis-benchmark runs against it, after a warm-up pass. */
async function servingRss(server, requests) {
  await runBenchmark(server.port, Math.max(1, Math.round(requests / 2)));
  const samples = [];
  const timer = setInterval(() => samples.push(rssBytes(server.pid)), 100);
  try {
    await runBenchmark(server.port, requests);
  } finally {
    clearInterval(timer);
  }
  if (samples.length === 0) samples.push(rssBytes(server.pid));
  return median(samples);
}

async function measureDataset(name, scale, modes, settleMs, serveRequests) {
  const ds = DATASETS[name];
  const count = Math.max(1, Math.round(ds.keys * scale));
  const servers = [];
  try {
    servers.push(await startServer('redis'));
    for (const t of modes) servers.push(await startServer('tessera', t));
    await sleep(500);
    const out = {};
    for (const s of servers) {
      const before = rssBytes(s.pid);
      const ms = await load(s.port, ds, count);
      await sleep(settleMs);
      const after = rssBytes(s.pid);
      const mem = await info(s.port, 'memory');
      const keyspace = await info(s.port, 'keyspace');
      const keys = Number(/keys=(\d+)/.exec(keyspace.db0 ?? '')?.[1] ?? 0);
      if (keys !== count) throw new Error(`${s.name}: expected ${count} keys after loading ${name}, found ${keys}`);
      const serving = serveRequests > 0 ? await servingRss(s, serveRequests) : NaN;
      out[s.name] = { before, after, delta: after - before, usedMemory: Number(mem.used_memory), serving, loadMs: ms, keys };
    }
    return { count, out };
  } finally {
    await stopAll(servers);
  }
}

export async function memoryRun(argv) {
  const opts = parseOptions(argv);
  const names = opts.get('--datasets', 'strings,hashes,zsets,lists').split(',');
  const scale = Number(opts.get('--scale', '1'));
  const modes = parseThreadModes(opts.get('--threads', '0,2'));
  const rounds = Number(opts.get('--rounds', '1'));
  const settleMs = Number(opts.get('--settle', '2000'));
  const serveRequests = Number(opts.get('--serve-requests', '200000'));
  for (const n of names) if (!DATASETS[n]) throw new Error(`unknown data set ${n}; known: ${Object.keys(DATASETS).join(', ')}`);
  requireBinaries(...(serveRequests > 0 ? ['redis-server', 'redis-benchmark'] : ['redis-server']));
  console.log(`# Memory: the same data in redis-server and Tessera (fresh servers per data set), scale ${scale}, ${rounds} round(s), ${os.availableParallelism()} cores`);
  console.log(`RSS = VmRSS of the server process after loading and ${settleMs} ms idle; delta = RSS after - RSS of the empty server; ratio = Tessera/Redis (median over rounds)${serveRequests > 0 ? '; RSS serving = median VmRSS during redis-benchmark -t set,get,zadd,lpush -P 16 after a warm-up pass' : ''}\n`);
  const header = ['data set', 'server', 'RSS empty', 'RSS loaded', 'delta RSS', 'delta/key (B)', 'used_memory', 'RSS ratio', 'delta ratio', 'used_memory ratio'];
  if (serveRequests > 0) header.push('RSS serving', 'serving ratio');
  const rows = [];
  const summary = [];
  for (const name of names) {
    const byRound = [];
    for (let r = 0; r < rounds; r++) {
      byRound.push(await measureDataset(name, scale, modes, settleMs, serveRequests));
      process.stderr.write(`  ${name}: round ${r + 1}/${rounds} done\n`);
    }
    const count = byRound[0].count;
    const serverNames = Object.keys(byRound[0].out);
    const med = (server, field) => median(byRound.map((b) => b.out[server][field]));
    const ratio = (server, field) => median(byRound.map((b) => b.out[server][field] / b.out.redis[field]));
    for (const s of serverNames) {
      const isRedis = s === 'redis';
      const row = [
        `${DATASETS[name].label}${scale !== 1 ? ` x${scale}` : ''}`,
        s,
        fmtMiB(med(s, 'before')),
        fmtMiB(med(s, 'after')),
        fmtMiB(med(s, 'delta')),
        fmtInt(med(s, 'delta') / count),
        fmtMiB(med(s, 'usedMemory')),
        isRedis ? '' : fmtRatio(ratio(s, 'after')),
        isRedis ? '' : fmtRatio(ratio(s, 'delta')),
        isRedis ? '' : fmtRatio(ratio(s, 'usedMemory')),
      ];
      if (serveRequests > 0) row.push(fmtMiB(med(s, 'serving')), isRedis ? '' : fmtRatio(ratio(s, 'serving')));
      rows.push(row);
      if (!isRedis) {
        const rssRatios = byRound.map((b) => b.out[s].after / b.out.redis.after);
        const serving = serveRequests > 0 ? `, serving ${fmtRatio(ratio(s, 'serving'))}` : '';
        summary.push(`${name} ${s}: RSS ratio ${fmtRatio(ratio(s, 'after'))}${rounds > 1 ? ` (spread ${fmtPct(spread(rssRatios))})` : ''}${serving}`);
      }
    }
  }
  console.log(table(header, rows));
  console.log('');
  for (const line of summary) console.log(line);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv.includes('--memory')) {
  await memoryRun(process.argv.slice(2));
}
