#!/usr/bin/env node
/**
 * Side-by-side benchmarks of Tessera against a real redis-server, started by the harness on free
 * loopback ports (both as child processes).
 *
 *   npm run bench -- [options]             throughput: redis-benchmark against each server
 *   npm run bench -- --memory [options]    memory: the same data loaded into each, RSS and used_memory
 *   npm run bench -- --latency [options]   latency: fixed open-loop request rate, percentiles and pauses
 *
 * Throughput options (defaults in brackets):
 *   --tests a,b,...   redis-benchmark -t names [all 19 defaults: ping_inline ... mset]
 *   -n N              requests per test unpipelined [100000]
 *   --np N            requests per test when pipelined [500000]
 *   -c N              clients [50]
 *   -P 1,16           pipeline depths, one table each [1,16]
 *   -r N              key space (-r) [100000]
 *   --rounds R        rounds; in each, every test runs once per server [3]
 *   --threads 0,2     Tessera modes (numbers, or `default` for no --threads flag) [0,2]
 *   --warmup N        requests per test and server before the first round, not measured (JIT) [5000]
 *   --time-limit S    start no further round of a -P once it would end past its share of S seconds
 *                     (the rounds done are reported) [no limit]
 *   --json FILE       also write every measurement as JSON
 *
 * Each (test, round) runs the servers back to back, in an order that alternates between rounds and
 * between tests, so drift on a shared machine falls on both sides. A row shows the median over rounds
 * of throughput and of redis-benchmark's own p50/p99/p99.9 (ms), and the ratio Tessera/Redis as the
 * median of the per-round ratios with their range [min-max]. "CPU us/req" is the server process's CPU
 * time (user + system, all threads, /proc/PID/stat) over the run divided by its requests (LRANGE runs
 * include redis-benchmark's LPUSH set-up of as many requests), and "CPU ratio" Redis's over Tessera's,
 * median of per-round ratios: what the throughput ratio would be if both got the same CPU. It holds up
 * far better than throughput when other jobs share the machine.
 *
 * Needs redis-server and redis-benchmark (Debian: apt-get install -y redis-server redis-tools) and a
 * built dist/ (npx tsc -p tsconfig.json; npm run build:native for the native parser).
 */
import fs from 'node:fs';
import os from 'node:os';
import { requireBinaries, startServer, stopAll, parseThreadModes, cpuMicros } from './lib/servers.mjs';
import { DEFAULT_TESTS, runBenchmark } from './lib/redis-benchmark.mjs';
import { median, geomean, spread, table, fmtInt, fmtMs, fmtRatio, fmtPct, parseOptions } from './lib/report.mjs';

const opts = parseOptions(process.argv.slice(2));

if (opts.flag('--memory')) {
  await import('./memory.mjs');
} else if (opts.flag('--latency')) {
  await import('./latency.mjs');
} else {
  await throughput();
}

async function throughput() {
  const tests = opts.get('--tests', DEFAULT_TESTS.join(',')).split(',').map((t) => t.trim().toLowerCase());
  const n = Number(opts.get('-n', '100000'));
  const np = Number(opts.get('--np', '500000'));
  const clients = Number(opts.get('-c', '50'));
  const keyspace = Number(opts.get('-r', '100000'));
  const pipelines = opts.get('-P', '1,16').split(',').map(Number);
  const rounds = Number(opts.get('--rounds', '3'));
  const modes = parseThreadModes(opts.get('--threads', '0,2'));
  const jsonFile = opts.get('--json', '');
  const warmup = Number(opts.get('--warmup', '5000'));
  const timeLimitMs = Number(opts.get('--time-limit', '0')) * 1000;
  requireBinaries('redis-server', 'redis-benchmark');

  const servers = [];
  const cleanup = async () => {
    await stopAll(servers);
    process.exit(130);
  };
  process.once('SIGINT', cleanup);
  process.once('SIGTERM', cleanup);
  const started = Date.now();
  const all = [];
  try {
    servers.push(await startServer('redis'));
    for (const t of modes) servers.push(await startServer('tessera', t));
    const tesseras = servers.slice(1);
    console.log(`# Throughput: redis-benchmark against redis-server and Tessera, ${os.availableParallelism()} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    for (const s of tesseras) console.log(`#   ${s.name}: ${s.describe()}`);

    if (warmup > 0) {
      for (const test of tests) for (const s of servers) await runBenchmark(s.port, test, { n: warmup, clients, pipeline: 1, keyspace });
      process.stderr.write(`  warm-up done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
    for (const [pi, pipeline] of pipelines.entries()) {
      const deadline = timeLimitMs > 0 ? started + (timeLimitMs * (pi + 1)) / pipelines.length : Infinity;
      let done = 0;
      const requests = pipeline > 1 ? np : n;
      // results[test][server] = [row per round]
      const results = Object.fromEntries(tests.map((t) => [t, Object.fromEntries(servers.map((s) => [s.name, []]))]));
      for (let round = 0; round < rounds; round++) {
        const roundStart = Date.now();
        for (let ti = 0; ti < tests.length; ti++) {
          const order = (round + ti) % 2 === 0 ? servers : [...servers].reverse();
          for (const s of order) {
            const cpu0 = cpuMicros(s.pid);
            const row = await runBenchmark(s.port, tests[ti], { n: requests, clients, pipeline, keyspace });
            // LRANGE tests first run an LPUSH set-up of as many requests: the CPU covers both.
            row.cpuPerReq = (cpuMicros(s.pid) - cpu0) / (tests[ti].startsWith('lrange') ? 2 * requests : requests);
            results[tests[ti]][s.name].push(row);
            all.push({ pipeline, round, server: s.name, ...row });
          }
        }
        process.stderr.write(`  -P ${pipeline}: round ${round + 1}/${rounds} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
        done = round + 1;
        if (round + 1 < rounds && Date.now() + (Date.now() - roundStart) > deadline) {
          process.stderr.write(`  -P ${pipeline}: stopping after ${done} round(s): --time-limit\n`);
          break;
        }
      }
      printTable(results, servers, tesseras, { pipeline, requests, clients, keyspace, rounds: done });
    }
    console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
    if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify({ when: new Date().toISOString(), runs: all }, null, 1));
  } finally {
    await stopAll(servers);
  }
}

function printTable(results, servers, tesseras, { pipeline, requests, clients, keyspace, rounds }) {
  const target = pipeline > 1 ? 0.75 : 1.0;
  console.log(`\n## redis-benchmark -n ${requests} -r ${keyspace} -c ${clients} -P ${pipeline}, ${rounds} round(s), A/B alternated`);
  console.log('requests/s and p50 / p99 / p99.9 latency in ms: medians over rounds; ratio = Tessera/Redis requests/s, median of per-round ratios [min-max]\n');
  const header = ['test', 'redis req/s', 'redis p50/p99/p99.9', 'redis CPU us/req'];
  for (const s of tesseras) header.push(`${s.name} req/s`, `${s.name} p50/p99/p99.9`, `ratio ${s.name}`, `${s.name} CPU us/req`, `CPU ratio ${s.name}`);
  const rows = [];
  const ratiosBy = Object.fromEntries(tesseras.map((s) => [s.name, []]));
  const cpuRatiosBy = Object.fromEntries(tesseras.map((s) => [s.name, []]));
  const noise = [];
  for (const [test, byServer] of Object.entries(results)) {
    const base = byServer.redis;
    const title = base[0]?.title ?? test.toUpperCase();
    const row = [title.startsWith('LRANGE') ? test.toUpperCase() : title, fmtInt(median(base.map((r) => r.rps))), lat(base), fmtCpu(median(base.map((r) => r.cpuPerReq)))];
    noise.push(spread(base.map((r) => r.rps)));
    for (const s of tesseras) {
      const mine = byServer[s.name];
      const perRound = mine.map((r, i) => r.rps / base[i].rps);
      ratiosBy[s.name].push(median(perRound));
      noise.push(spread(mine.map((r) => r.rps)));
      const range = perRound.length > 1 ? ` [${fmtRatio(Math.min(...perRound))}-${fmtRatio(Math.max(...perRound))}]` : '';
      const cpuRatio = median(mine.map((r, i) => base[i].cpuPerReq / r.cpuPerReq));
      cpuRatiosBy[s.name].push(cpuRatio);
      row.push(fmtInt(median(mine.map((r) => r.rps))), lat(mine), `${fmtRatio(median(perRound))}${range}`, fmtCpu(median(mine.map((r) => r.cpuPerReq))), fmtRatio(cpuRatio));
    }
    rows.push(row);
  }
  console.log(table(header, rows));
  console.log('');
  for (const s of tesseras) {
    const r = ratiosBy[s.name];
    const below = r.filter((x) => x < target).length;
    console.log(`${s.name}: geometric mean ratio ${fmtRatio(geomean(r))}, ${r.length - below}/${r.length} rows at or above the target ${target.toFixed(2)}; CPU ratio geometric mean ${fmtRatio(geomean(cpuRatiosBy[s.name]))}`);
  }
  if (tesseras.length > 1) {
    const g = tesseras.map((s) => [s.name, geomean(ratiosBy[s.name])]).sort((a, b) => b[1] - a[1]);
    const wins = Object.fromEntries(tesseras.map((s) => [s.name, 0]));
    const names = Object.keys(results);
    names.forEach((_, i) => {
      let bestName = '';
      let best = -1;
      for (const s of tesseras) if (ratiosBy[s.name][i] > best) [best, bestName] = [ratiosBy[s.name][i], s.name];
      wins[bestName]++;
    });
    console.log(`faster Tessera mode at -P ${pipeline}: ${g[0][0]} (geometric mean ${fmtRatio(g[0][1])} vs ${g.slice(1).map(([nm, v]) => `${nm} ${fmtRatio(v)}`).join(', ')}; fastest on ${tesseras.map((s) => `${s.name} ${wins[s.name]}`).join(', ')} of ${names.length} rows)`);
  }
  console.log(`noise: spread of one server's requests/s across rounds, (max-min)/median: median ${fmtPct(median(noise))}, worst ${fmtPct(Math.max(...noise))}`);
}

function fmtCpu(us) {
  return Number.isFinite(us) ? us.toFixed(1) : '-';
}

function lat(rows) {
  return `${fmtMs(median(rows.map((r) => r.p50)))} / ${fmtMs(median(rows.map((r) => r.p99)))} / ${fmtMs(median(rows.map((r) => r.p999)))}`;
}
