#!/usr/bin/env node
/**
 * CRC-64 and LZF for DUMP payloads and RDB strings: native addon (native/src/crc64.rs, lzf.rs) against
 * the TypeScript twins (src/persistence/crc64.ts, lzf.ts), on a 200-byte function library and on
 * 4 KiB and 64 KiB of text-like data. CPU time per call, best of interleaved rounds (as the other
 * micro-benchmarks here; wall clock is unreliable on the shared build machine).
 *
 *   npm run build:native && npx tsc -p tsconfig.json && node bench/persistence.bench.mjs [--rounds 9]
 */
import { crc64Ts } from '../dist/persistence/crc64.js';
import { lzfCompressTs, lzfDecompressTs } from '../dist/persistence/lzf.js';
import { loadNative, nativeLoadFailure } from '../dist/native/loader.js';

const at = process.argv.indexOf('--rounds');
const rounds = at >= 0 ? Number(process.argv[at + 1]) : 9;
const native = loadNative();
if (native === null || typeof native.crc64 !== 'function') {
  console.log(`native crc64/LZF unavailable (${nativeLoadFailure() ?? 'old addon'}): nothing to compare`);
  process.exit(0);
}

const words = ['redis', 'call', 'function', 'keys', 'args', 'return', 'local', 'end', 'register_function', 'if', 'then'];
function text(n) {
  let seed = 42;
  const parts = [];
  let size = 0;
  while (size < n) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const w = words[(seed >>> 16) % words.length] + ((seed >>> 8) % 3 === 0 ? '(' : ' ');
    parts.push(w);
    size += w.length;
  }
  return Buffer.from(parts.join('').slice(0, n));
}

const state = new Uint8Array(8);
function cpuNsPerCall(fn, minMs = 40) {
  let calls = 0;
  const start = process.cpuUsage();
  let spent = 0;
  while (spent < minMs * 1000) {
    for (let k = 0; k < 50; k++) fn();
    calls += 50;
    const u = process.cpuUsage(start);
    spent = u.user + u.system;
  }
  return (spent * 1000) / calls;
}

console.log('| input | CRC-64 TS ns | CRC-64 native ns | LZF compress TS ns | LZF compress native ns | LZF decompress TS ns | LZF decompress native ns | compressed size |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const n of [200, 4096, 65536]) {
  const data = text(n);
  const out = new Uint8Array(n);
  const size = lzfCompressTs(data, 0, n, out);
  const packed = out.slice(0, size);
  const back = new Uint8Array(n);
  const cases = {
    crcTs: () => crc64Ts(0n, data),
    crcNative: () => native.crc64(state, data, 0, n),
    lzfTs: () => lzfCompressTs(data, 0, n, out),
    lzfNative: () => native.lzfCompress(data, 0, n, out),
    unTs: () => lzfDecompressTs(packed, 0, size, back),
    unNative: () => native.lzfDecompress(packed, 0, size, back),
  };
  const best = Object.fromEntries(Object.keys(cases).map((k) => [k, Infinity]));
  for (let r = 0; r < rounds; r++) for (const [k, fn] of Object.entries(cases)) best[k] = Math.min(best[k], cpuNsPerCall(fn));
  const f = (x) => Math.round(x).toLocaleString('en-US');
  console.log(`| ${n} B | ${f(best.crcTs)} | ${f(best.crcNative)} | ${f(best.lzfTs)} | ${f(best.lzfNative)} | ${f(best.unTs)} | ${f(best.unNative)} | ${size} |`);
}
