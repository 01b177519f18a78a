#!/usr/bin/env node
/**
 * The cost of the long-script count hook (native/src/lua/busy.rs): a tight Lua loop with no
 * redis.call, run by EVAL with busy-reply-threshold 0 (no hook installed, as Redis does) and with a
 * threshold the script never reaches (the hook fires every 100,000 VM instructions and only reads
 * the clock), alternating, on redis-server and Tessera --threads 0.
 *
 *   node bench/busy-hook.mjs [--iterations 20000000] [--rounds 5]
 *
 * The table shows the server process's CPU time per run (INFO cpu around each EVAL; on a loaded
 * machine wall time mostly measures the wait for a core), median of --rounds, and the overhead.
 */
import { requireBinaries, startServer, stopAll, info } from './lib/servers.mjs';
import { command } from './lib/resp.mjs';
import { median, table, fmtMs, fmtPct, parseOptions } from './lib/report.mjs';

const opts = parseOptions(process.argv.slice(2));
const ITERATIONS = Number(opts.get('--iterations', '20000000'));
const ROUNDS = Number(opts.get('--rounds', '5'));
const SCRIPT = 'local x = 0 for i = 1, tonumber(ARGV[1]) do x = x + i end return x';

requireBinaries('redis-server');

async function cpuMs(port) {
  const cpu = await info(port, 'cpu');
  return (Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys)) * 1000;
}

async function run(port, threshold) {
  await command(port, ['CONFIG', 'SET', 'busy-reply-threshold', String(threshold)]);
  const before = await cpuMs(port);
  await command(port, ['EVAL', SCRIPT, '0', String(ITERATIONS)], 600000);
  return (await cpuMs(port)) - before;
}

async function measure(server) {
  await run(server.port, 0);
  const off = [];
  const on = [];
  for (let r = 0; r < ROUNDS; r++) {
    off.push(await run(server.port, 0));
    on.push(await run(server.port, 3600000));
  }
  return { name: server.name, off: median(off), on: median(on) };
}

const servers = [];
process.on('SIGINT', () => stopAll(servers).then(() => process.exit(130)));
try {
  const results = [];
  for (const [kind, threads] of [['redis', undefined], ['tessera', 0]]) {
    const server = await startServer(kind, threads);
    servers.push(server);
    results.push(await measure(server));
    await server.stop();
  }
  console.log(`EVAL of a ${ITERATIONS.toLocaleString('en-US')}-iteration Lua loop, CPU ms per run, median of ${ROUNDS}\n`);
  console.log(table(['server', 'no hook (threshold 0)', 'hook armed', 'overhead'], results.map((r) => [r.name, fmtMs(r.off), fmtMs(r.on), fmtPct(r.on / r.off - 1)])));
} finally {
  await stopAll(servers);
}
