#!/usr/bin/env node
/**
 * HyperLogLog register work: native addon (native/src/hll.rs) against its TypeScript twin
 * (src/storage/hyperloglog.ts), on what the commands hand them:
 *
 *  - PFADD of 1 and of 100 elements (redis-benchmark-like 16-byte elements) to a sparse value (copied
 *    into the work buffer first, as the command does) and to a dense value (updated in place);
 *  - PFCOUNT of one key whose cache is invalid (sparse, dense): the histogram and the estimator;
 *  - PFCOUNT of three keys (sparse, dense): three merges into the union's registers and its count;
 *  - PFMERGE's write of a union into a sparse and a dense destination.
 *
 * Two measurements, as bench/resp-parser.bench.mjs: benchmark.js ops/s (wall clock) and CPU time per
 * call, best of interleaved rounds (the one to decide by on a shared machine).
 *
 *   npm run build:native && npx tsc -p tsconfig.json && node bench/hyperloglog.bench.mjs [--max-time 1] [--rounds 9]
 *
 * Results and the per-operation choice they justify (src/commands/hyperloglog.ts): bench/README.md.
 */
import Benchmark from 'benchmark';
import * as hll from '../dist/storage/hyperloglog.js';
import { loadNative, nativeLoadFailure } from '../dist/native/loader.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const maxTime = option('--max-time', 1);
const rounds = option('--rounds', 9);

const native = loadNative();
if (native === null || typeof native.hllAdd !== 'function') {
  console.log(`native HyperLogLog functions unavailable (${nativeLoadFailure() ?? 'old addon'}): nothing to compare`);
  process.exit(0);
}

const ts = {
  add: hll.hllAdd,
  count: hll.hllCount,
  countRaw: hll.hllCountRaw,
  merge: hll.hllMerge,
  setRegisters: hll.hllSetRegisters,
};
const nat = {
  add: native.hllAdd,
  count: native.hllCount,
  countRaw: native.hllCountRaw,
  merge: native.hllMerge,
  setRegisters: native.hllSetRegisters,
};

/** A pool of distinct 16-byte elements packed as the parser packs arguments. */
const POOL = 1 << 16;
const src = new Uint8Array(POOL * 16);
const words = new Uint32Array(POOL * 2);
for (let i = 0; i < POOL; i++) {
  src.set(Buffer.from(`element:${String(i).padStart(8, '0')}`), i * 16);
  words[2 * i] = i * 16;
  words[2 * i + 1] = 16;
}

/** A value holding `n` pool elements (from `from`), as a Uint8Array of its exact length. */
function valueOf(n, from) {
  const v = new Uint8Array(hll.HLL_WORK_CAP);
  let len = hll.hllWriteEmpty(v, 0);
  for (let i = 0; i < n; i += 100) {
    len = hll.hllResultLength(hll.hllAdd(v, 0, len, 3000, src, words, 2 * ((from + i) % POOL), Math.min(100, n - i)));
  }
  return v.slice(0, len);
}

const small = valueOf(20, 5000);
const sparse = [valueOf(400, 0), valueOf(400, 1000), valueOf(400, 2000)];
const dense = [valueOf(20000, 0), valueOf(20000, 20000), valueOf(20000, 40000)];
console.log(`small sparse value: ${small.length} bytes; sparse values: ${sparse.map((v) => v.length).join(', ')} bytes; dense: ${dense[0].length} bytes`);

const work = new Uint8Array(hll.HLL_WORK_CAP);
const max = new Uint8Array(hll.HLL_REGISTERS);
let cursor = 0;
const next = (n) => {
  cursor = (cursor + n) % (POOL - 100);
  return 2 * cursor;
};

/** Each case: (impl) => one call's work. */
const CASES = [
  ['PFADD 1 element, new key (18 bytes)', (o) => {
    hll.hllWriteEmpty(work, 0);
    o.add(work, 0, hll.HLL_EMPTY_SIZE, 3000, src, words, next(1), 1);
  }],
  ['PFADD 1 element, sparse (20 elements)', (o) => {
    work.set(small);
    o.add(work, 0, small.length, 3000, src, words, next(1), 1);
  }],
  ['PFADD 1 element, sparse (400 elements)', (o) => {
    work.set(sparse[0]);
    o.add(work, 0, sparse[0].length, 3000, src, words, next(1), 1);
  }],
  ['PFADD 100 elements, sparse (400 elements)', (o) => {
    work.set(sparse[0]);
    o.add(work, 0, sparse[0].length, 3000, src, words, next(100), 100);
  }],
  ['PFADD 1 element, dense', (o) => {
    o.add(dense[0], 0, dense[0].length, 3000, src, words, next(1), 1);
  }],
  ['PFADD 3 elements, dense', (o) => {
    o.add(dense[0], 0, dense[0].length, 3000, src, words, next(3), 3);
  }],
  ['PFADD 100 elements, dense', (o) => {
    o.add(dense[0], 0, dense[0].length, 3000, src, words, next(100), 100);
  }],
  ['PFCOUNT 1 key, sparse (20 elements)', (o) => o.count(small, 0, small.length)],
  ['PFCOUNT 1 key, sparse (400 elements)', (o) => o.count(sparse[0], 0, sparse[0].length)],
  ['PFCOUNT 1 key, dense', (o) => o.count(dense[0], 0, dense[0].length)],
  ['PFCOUNT 3 keys, sparse', (o) => {
    max.fill(0);
    for (const v of sparse) o.merge(max, v, 0, v.length);
    o.countRaw(max);
  }],
  ['PFCOUNT 3 keys, dense', (o) => {
    max.fill(0);
    for (const v of dense) o.merge(max, v, 0, v.length);
    o.countRaw(max);
  }],
  ['PFMERGE write, sparse dest (2 sparse sources)', (o) => {
    max.fill(0);
    o.merge(max, sparse[1], 0, sparse[1].length);
    o.merge(max, sparse[2], 0, sparse[2].length);
    work.set(sparse[0]);
    o.setRegisters(work, 0, sparse[0].length, 3000, max);
  }],
  ['PFMERGE write, dense dest', (o) => {
    max.fill(0);
    o.merge(max, dense[1], 0, dense[1].length);
    work.set(dense[0]);
    o.setRegisters(work, 0, dense[0].length, 3000, max);
  }],
];

const impls = [['typescript', ts], ['native', nat]];

/** Best CPU nanoseconds per call over interleaved rounds of about 20 ms each. */
function cpuTimes(run) {
  const best = new Map(impls.map(([k]) => [k, Infinity]));
  // Calibrate the call count on the TypeScript twin.
  let calls = 1;
  for (;;) {
    const s = process.cpuUsage();
    for (let i = 0; i < calls; i++) run(ts);
    const u = process.cpuUsage(s);
    if (u.user + u.system > 20000) break;
    calls *= 2;
  }
  for (let r = 0; r < rounds; r++) {
    for (const [kind, o] of impls) {
      const start = process.cpuUsage();
      for (let i = 0; i < calls; i++) run(o);
      const used = process.cpuUsage(start);
      best.set(kind, Math.min(best.get(kind), ((used.user + used.system) * 1000) / calls));
    }
  }
  return best;
}

const rows = [];
for (const [name, run] of CASES) {
  const suite = new Benchmark.Suite(name);
  const hz = new Map();
  for (const [kind, o] of impls) suite.add(kind, () => run(o), { maxTime });
  suite.on('cycle', (event) => hz.set(event.target.name, { hz: event.target.hz, rme: event.target.stats.rme }));
  suite.run();
  const cpu = cpuTimes(run);
  rows.push({ name, hz, cpu });
  const t = cpu.get('typescript');
  const n = cpu.get('native');
  console.log(
    `${name.padEnd(46)} TS ${t.toFixed(0).padStart(7)} ns  native ${n.toFixed(0).padStart(7)} ns  native/TS speed ${(t / n).toFixed(2)}x` +
      `   (benchmark.js: TS ${Math.round(hz.get('typescript').hz)}/s ±${hz.get('typescript').rme.toFixed(0)}%, native ${Math.round(hz.get('native').hz)}/s ±${hz.get('native').rme.toFixed(0)}%)`,
  );
}
