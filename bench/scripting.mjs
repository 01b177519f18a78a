#!/usr/bin/env node
/**
 * The cost of a redis.call round trip, side by side: one EVAL whose script runs N redis.call('INCR',
 * KEYS[1]) on redis-server and on Tessera (inline and with workers), timed from the client (the
 * script dominates: one request, one reply). Per call = time / N.
 *
 *   node bench/scripting.mjs [--calls 100000] [--rounds 5] [--threads 0,2]
 *
 * Each server runs the script once to warm up, then --rounds times; the table shows the median and
 * the fastest round per server, and the server process's CPU time per call (INFO cpu before and
 * after each round: on a loaded machine wall time mostly measures the wait for a core), with
 * Tessera's ratios to Redis (medians).
 */
import { requireBinaries, startServer, stopAll, parseThreadModes, info } from './lib/servers.mjs';
import { command } from './lib/resp.mjs';
import { median, table, fmtMs, fmtRatio, parseOptions } from './lib/report.mjs';

const opts = parseOptions(process.argv.slice(2));
const CALLS = Number(opts.get('--calls', '100000'));
const ROUNDS = Number(opts.get('--rounds', '5'));
const THREADS = parseThreadModes(opts.get('--threads', '0,2'));
const SCRIPT = `for i = 1, tonumber(ARGV[1]) do redis.call('incr', KEYS[1]) end return redis.call('get', KEYS[1])`;

requireBinaries('redis-server');

async function cpuSeconds(port) {
  const cpu = await info(port, 'cpu');
  return Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys);
}

async function measure(server) {
  await command(server.port, ['DEL', 'x']);
  await command(server.port, ['EVAL', SCRIPT, '1', 'x', String(CALLS)], 120000);
  const ms = [];
  const cpuMs = [];
  for (let r = 0; r < ROUNDS; r++) {
    const cpu0 = await cpuSeconds(server.port);
    const start = performance.now();
    await command(server.port, ['EVAL', SCRIPT, '1', 'x', String(CALLS)], 120000);
    ms.push(performance.now() - start);
    cpuMs.push(((await cpuSeconds(server.port)) - cpu0) * 1000);
  }
  return { ms, cpuMs };
}

const servers = [];
process.on('SIGINT', () => stopAll(servers).then(() => process.exit(130)));
try {
  const results = [];
  const redis = await startServer('redis');
  servers.push(redis);
  results.push({ name: 'redis', ...(await measure(redis)) });
  await redis.stop();
  for (const threads of THREADS) {
    const tessera = await startServer('tessera', threads);
    servers.push(tessera);
    results.push({ name: tessera.name, ...(await measure(tessera)) });
    await tessera.stop();
  }
  const base = median(results[0].ms);
  const baseCpu = median(results[0].cpuMs);
  console.log(`EVAL of ${CALLS.toLocaleString('en-US')} redis.call('INCR', KEYS[1]), ${ROUNDS} rounds after a warm-up\n`);
  console.log(
    table(
      ['server', 'median ms', 'fastest ms', 'us per call', 'ratio', 'CPU us per call', 'CPU ratio'],
      results.map((r) => [
        r.name,
        fmtMs(median(r.ms)),
        fmtMs(Math.min(...r.ms)),
        fmtMs((median(r.ms) * 1000) / CALLS),
        fmtRatio(median(r.ms) / base),
        fmtMs((median(r.cpuMs) * 1000) / CALLS),
        fmtRatio(median(r.cpuMs) / baseCpu),
      ]),
    ),
  );
} finally {
  await stopAll(servers);
}
