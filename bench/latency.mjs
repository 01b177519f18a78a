#!/usr/bin/env node
/**
 * Latency side by side at a fixed request rate: an open-loop load generator (it sends on a schedule,
 * whether or not replies came back, so a server stall shows up as latency instead of slowing the
 * sender down) drives redis-server and Tessera in turn with the same traffic, and records every
 * request's latency in a histogram.
 *
 *   node bench/latency.mjs [--rate R | --load 0.5] [--duration 10] [--warmup 2] [--connections 16] [--rounds 2] [--threads 0,2]
 *   npm run bench -- --latency [same options]
 *
 * - Capacity: unless --rate is given, redis-benchmark measures Redis's SET and GET throughput
 *   (-c 50 -r 100000, unpipelined) and the rate is --load (0.5) times their mean.
 * - Traffic: 50% GET, 50% SET of 32-byte values over 100,000 keys (loaded first), spread round robin
 *   over --connections sockets; every 1 ms timer tick sends what the schedule says is due.
 * - Latency: from the write of a request to the arrival of its reply (replies arrive in order per
 *   connection). Each server is warmed for --warmup s (2) at the same rate, then measured for --duration s.
 *   "sched lag" is how far the generator's own sends fell behind the schedule at worst (it shares
 *   the machine with the servers); when it is large, the generator, not the server, was stalled.
 * - Pauses: before Tessera's measurement, CONFIG RESETSTAT; after it, INFO stats' tessera_eventloop_*
 *   and tessera_gc_* fields give the longest event-loop stall and GC pause of its main thread ("major
 *   GC": the longest that was not a scavenge). "loop stall" is wall time (it includes time a loaded machine kept the process off the CPU); "busy stall"
 *   counts only the process's CPU time within the stalled interval (see src/server/pause-monitor.ts).
 */
import net from 'node:net';
import os from 'node:os';
import { requireBinaries, startServer, stopAll, parseThreadModes, info } from './lib/servers.mjs';
import { command, encode, skipReply } from './lib/resp.mjs';
import { runBenchmark } from './lib/redis-benchmark.mjs';
import { Histogram } from './lib/histogram.mjs';
import { DATASETS, load } from './memory.mjs';
import { median, spread, table, fmtInt, fmtMs, fmtRatio, fmtPct, parseOptions } from './lib/report.mjs';

const KEYS = 100_000;

/** Pre-encoded requests: GET and SET of each key would be 200,000 buffers; a few thousand suffice. */
function makeRequests() {
  const out = [];
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  for (let i = 0; i < 8192; i++) {
    const key = `key:${String(rand() % KEYS).padStart(7, '0')}`;
    out.push(i % 2 === 0 ? encode(['GET', key]) : encode(['SET', key, `v:${i}:`.padEnd(32, 'y')]));
  }
  return out;
}
const REQUESTS = makeRequests();

async function connect(port) {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/**
 * Drives `port` at `rate` requests/s for `durationMs`; resolves with the histogram (us), the replies
 * received, the elapsed time and the generator's worst lateness behind its schedule.
 */
export async function drive(port, rate, durationMs, connections) {
  const sockets = await Promise.all(Array.from({ length: connections }, () => connect(port)));
  const hist = new Histogram();
  let received = 0;
  let errors = 0;
  const conns = sockets.map((socket) => {
    const c = { socket, sent: new Float64Array(1 << 16), head: 0, tail: 0, pending: null };
    socket.on('data', (chunk) => {
      const now = performance.now();
      const buf = c.pending === null ? chunk : Buffer.concat([c.pending, chunk]);
      let pos = 0;
      for (;;) {
        const end = skipReply(buf, pos);
        if (end < 0) break;
        if (buf[pos] === 0x2d) errors++;
        hist.record((now - c.sent[c.head & 0xffff]) * 1000);
        c.head++;
        received++;
        pos = end;
      }
      c.pending = pos < buf.length ? Buffer.from(buf.subarray(pos)) : null;
    });
    socket.on('error', () => {});
    return c;
  });
  const t0 = performance.now();
  let sent = 0;
  let next = 0;
  let worstLag = 0;
  const batches = conns.map(() => []);
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      const elapsed = now - t0;
      const due = Math.min(Math.floor((elapsed * rate) / 1000), Math.floor((durationMs * rate) / 1000));
      if (due > sent) {
        // The oldest request due now was scheduled at sent / rate.
        const lag = elapsed - (sent * 1000) / rate;
        if (lag > worstLag) worstLag = lag;
      }
      for (; sent < due; sent++) {
        const ci = sent % conns.length;
        batches[ci].push(REQUESTS[next++ & 8191]);
        const c = conns[ci];
        if (c.tail - c.head >= 0xffff) throw new Error('more than 65535 requests outstanding on one connection');
        c.sent[c.tail++ & 0xffff] = now;
      }
      for (let i = 0; i < conns.length; i++) {
        if (batches[i].length > 0) {
          conns[i].socket.write(batches[i].length === 1 ? batches[i][0] : Buffer.concat(batches[i]));
          batches[i].length = 0;
        }
      }
      if (elapsed >= durationMs) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  // Wait for the stragglers (at most 10 s).
  const deadline = performance.now() + 10_000;
  while (received < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const elapsed = performance.now() - t0;
  for (const c of conns) c.socket.destroy();
  if (errors > 0) throw new Error(`${errors} error replies during the latency run`);
  return { hist, sent, received, elapsedMs: elapsed, worstLagMs: worstLag };
}

async function pauses(port) {
  const st = await info(port, 'stats');
  const num = (f) => (st[f] === undefined ? NaN : Number(st[f]) / 1000);
  return { loopMaxMs: num('tessera_eventloop_delay_max_usec'), busyMaxMs: num('tessera_eventloop_busy_max_usec'), loopP99Ms: num('tessera_eventloop_delay_p99_usec'), gcMaxMs: num('tessera_gc_pause_max_usec'), gcMajorMaxMs: num('tessera_gc_major_pause_max_usec'), gcCount: Number(st.tessera_gc_pauses ?? NaN), gcTotalMs: num('tessera_gc_pause_total_usec') };
}

export async function latencyRun(argv) {
  const opts = parseOptions(argv);
  const durationMs = Number(opts.get('--duration', '10')) * 1000;
  const warmupMs = Number(opts.get('--warmup', '2')) * 1000;
  const connections = Number(opts.get('--connections', '16'));
  const rounds = Number(opts.get('--rounds', '2'));
  const loadFraction = Number(opts.get('--load', '0.5'));
  const modes = parseThreadModes(opts.get('--threads', '0,2'));
  requireBinaries('redis-server', 'redis-benchmark');
  const servers = [];
  const cleanup = async () => {
    await stopAll(servers);
    process.exit(130);
  };
  process.once('SIGINT', cleanup);
  process.once('SIGTERM', cleanup);
  try {
    servers.push(await startServer('redis'));
    for (const t of modes) servers.push(await startServer('tessera', t));
    for (const s of servers) await load(s.port, DATASETS.strings, KEYS);

    let rate = Number(opts.get('--rate', '0'));
    let capacity = NaN;
    if (!(rate > 0)) {
      const n = Number(opts.get('--capacity-n', '200000'));
      const set = await runBenchmark(servers[0].port, 'set', { n, clients: 50, pipeline: 1, keyspace: KEYS });
      const get = await runBenchmark(servers[0].port, 'get', { n, clients: 50, pipeline: 1, keyspace: KEYS });
      capacity = (set.rps + get.rps) / 2;
      rate = Math.round(capacity * loadFraction);
    }
    console.log(
      `# Latency at a fixed rate: ${fmtInt(rate)} requests/s${Number.isFinite(capacity) ? ` (${loadFraction} x Redis's measured capacity ${fmtInt(capacity)}/s, SET+GET mean)` : ''}, ` +
        `50% GET / 50% SET over ${fmtInt(KEYS)} keys, ${connections} connections, open loop, ${durationMs / 1000} s per server and round, ${rounds} round(s), ${os.availableParallelism()} cores`,
    );
    for (const s of servers.slice(1)) console.log(`#   ${s.name}: ${s.describe()}`);
    const results = Object.fromEntries(servers.map((s) => [s.name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const s of order) {
        if (warmupMs > 0) await drive(s.port, rate, warmupMs, connections);
        if (s.kind === 'tessera') await command(s.port, ['CONFIG', 'RESETSTAT']);
        const r = await drive(s.port, rate, durationMs, connections);
        if (s.kind === 'tessera') r.pauses = await pauses(s.port);
        results[s.name].push(r);
      }
      process.stderr.write(`  round ${round + 1}/${rounds} done\n`);
    }
    const header = ['server', 'achieved req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'p99 ratio', 'p99.9 ratio', 'sched lag ms', 'loop stall max ms', 'busy stall max ms', 'GC pause max ms', 'major GC max ms', 'GCs'];
    const rows = [];
    const lines = [];
    const per = (name, f) => results[name].map(f);
    for (const s of servers) {
      const rs = results[s.name];
      const p = (q) => median(rs.map((r) => r.hist.percentile(q) / 1000));
      const isRedis = s.kind === 'redis';
      const ratio = (q) => median(rs.map((r, i) => r.hist.percentile(q) / results.redis[i].hist.percentile(q)));
      const worst = (f) => Math.max(...rs.map((r) => f(r.pauses)));
      rows.push([
        s.name,
        fmtInt(median(rs.map((r) => (r.received * 1000) / r.elapsedMs))),
        fmtMs(p(50)),
        fmtMs(p(99)),
        fmtMs(p(99.9)),
        fmtMs(median(rs.map((r) => r.hist.max / 1000))),
        isRedis ? '' : fmtRatio(ratio(99)),
        isRedis ? '' : fmtRatio(ratio(99.9)),
        fmtMs(Math.max(...rs.map((r) => r.worstLagMs))),
        isRedis ? '' : fmtMs(worst((x) => x.loopMaxMs)),
        isRedis ? '' : fmtMs(worst((x) => x.busyMaxMs)),
        isRedis ? '' : fmtMs(worst((x) => x.gcMaxMs)),
        isRedis ? '' : fmtMs(worst((x) => x.gcMajorMaxMs)),
        isRedis ? '' : fmtInt(median(rs.map((r) => r.pauses.gcCount))),
      ]);
      const p99s = per(s.name, (r) => r.hist.percentile(99) / 1000);
      lines.push(`${s.name}: p99 per round ${p99s.map(fmtMs).join(', ')} ms (spread ${fmtPct(spread(p99s))})`);
    }
    console.log('\nmedians over rounds; ratio = Tessera/Redis, median of per-round ratios; pauses: worst round, Tessera main thread (INFO tessera_* fields)\n');
    console.log(table(header, rows));
    console.log('');
    for (const l of lines) console.log(l);
  } finally {
    await stopAll(servers);
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv.includes('--latency')) {
  await latencyRun(process.argv.slice(2));
}
