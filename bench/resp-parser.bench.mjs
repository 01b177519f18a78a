#!/usr/bin/env node
/**
 * RESP request parser: native addon against its TypeScript twin, on what the server parses per
 * socket read (one command, or a pipeline as redis-benchmark -P sends it). Two measurements:
 *
 *  - benchmark.js (ops/s, wall clock, ± relative margin of error);
 *  - CPU time per call, best of interleaved rounds (process.cpuUsage): on a shared machine the
 *    wall clock counts the time other processes hold the CPU, CPU time does not. This is the
 *    number to decide by when benchmark.js's margins are wide.
 *
 *   npm run build:native && npx tsc -p tsconfig.json && node bench/resp-parser.bench.mjs [--max-time 1] [--rounds 15]
 *
 * Results and the choice they justify (`parser auto` in src/protocol/resp-parser.ts): bench/README.md.
 */
import Benchmark from 'benchmark';
import { parseRequestsTs } from '../dist/protocol/resp-parser.js';
import { loadNative, nativeLoadFailure } from '../dist/native/loader.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const maxTime = option('--max-time', 1);
const rounds = option('--rounds', 15);
const MAX_BULK = 512 * 1024 * 1024;

const native = loadNative();
if (native === null) console.log(`native addon unavailable (${nativeLoadFailure()}): TypeScript only`);

const bulk = (s) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
const command = (...argv) => `*${argv.length}\r\n${argv.map(bulk).join('')}`;
const key = (i) => `key:${String(i).padStart(12, '0')}`;
const pipeline = (n, make) => ({ commands: n, bytes: Buffer.from(Array.from({ length: n }, (_, i) => make(i)).join('')) });

/** What redis-benchmark sends (-P 1, 4, 16, 64): key:000000000042 names, 3-byte values. */
const CASES = [
  { name: 'GET, 1 command', ...pipeline(1, (i) => command('GET', key(i))) },
  { name: 'SET, 1 command', ...pipeline(1, (i) => command('SET', key(i), 'xxx')) },
  { name: 'GET pipeline, 4 commands', ...pipeline(4, (i) => command('GET', key(i))) },
  { name: 'SET pipeline, 16 commands', ...pipeline(16, (i) => command('SET', key(i), 'xxx')) },
  { name: 'GET pipeline, 64 commands', ...pipeline(64, (i) => command('GET', key(i))) },
];

const out = new Uint32Array(64 * 1024);
const parsers = [['typescript', parseRequestsTs]];
if (native !== null) parsers.push(['native', native.parse]);

/** Best CPU nanoseconds per call over interleaved rounds of about 10 ms each. */
function cpuTimes(c) {
  const calls = Math.max(500, Math.round(4e5 / c.bytes.length));
  const best = new Map(parsers.map(([kind]) => [kind, Infinity]));
  for (let r = 0; r < rounds; r++) {
    for (const [kind, parse] of parsers) {
      const start = process.cpuUsage();
      for (let i = 0; i < calls; i++) parse(c.bytes, 0, c.bytes.length, out, MAX_BULK);
      const used = process.cpuUsage(start);
      best.set(kind, Math.min(best.get(kind), ((used.user + used.system) * 1000) / calls));
    }
  }
  return best;
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const rows = [];
for (const c of CASES) {
  // Both must parse the whole input, or the comparison is void.
  for (const [kind, parse] of parsers) {
    for (let i = 0; i < 20000; i++) parse(c.bytes, 0, c.bytes.length, out, MAX_BULK);
    if (out[0] !== c.commands || out[1] !== c.bytes.length || out[2] !== 0) {
      throw new Error(`${kind} parsed ${out[0]} commands of ${c.name}`);
    }
  }
  const suite = new Benchmark.Suite(c.name);
  for (const [kind, parse] of parsers) suite.add(kind, () => parse(c.bytes, 0, c.bytes.length, out, MAX_BULK), { maxTime });
  const wall = new Map();
  suite.on('cycle', (event) => wall.set(event.target.name, event.target));
  suite.run();
  const cpu = cpuTimes(c);
  for (const [kind] of parsers) {
    const t = wall.get(kind);
    const ns = cpu.get(kind);
    rows.push({
      case: `${c.name} (${c.bytes.length} B)`,
      parser: kind,
      'ops/s': `${fmt(t.hz)} ±${t.stats.rme.toFixed(0)}%`,
      'commands/s': fmt(t.hz * c.commands),
      'cpu ns/call': fmt(ns),
      'cpu commands/s': fmt((c.commands * 1e9) / ns),
    });
  }
  if (parsers.length === 2) {
    const [ts, nat] = parsers.map(([kind]) => cpu.get(kind));
    rows.push({ case: `${c.name}: native/typescript speed (cpu)`, parser: `${(ts / nat).toFixed(2)}x` });
  }
}
console.table(rows);
