/**
 * LZF as Redis bundles it (liblzf 3.6: lzf_c.c and lzf_d.c with lzfP.h's HLOG 16, VERY_FAST, CHECK_INPUT), for
 * RDB strings. Compression reproduces Redis's exact output so FUNCTION DUMP (and later RDB files)
 * are byte-identical with redis-server's. TypeScript twin of native/src/lzf.rs, whose header
 * describes the format; `lzfCompress` / `lzfDecompress` use the addon when it is loaded.
 *
 * Redis leaves its hash table uninitialised; an empty slot is what makes the output deterministic,
 * and a candidate must lie after the first input byte (lzf_c.c's `ref > in_data`). The table holds
 * `base + position`; entries below `base` are from earlier calls and count as empty, so it is never
 * cleared between calls.
 */
import { loadNative } from '../native/loader.js';

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

const table = new Uint32Array(HSIZE);
let base = 1;

function idx(h: number): number {
  return ((h >>> (3 * 8 - HLOG)) - Math.imul(h, 5)) & (HSIZE - 1);
}

/** lzf_compress in TypeScript: input[start, end) into `out`; 0 when it does not fit (or is empty). */
export function lzfCompressTs(input: Uint8Array, start: number, end: number, out: Uint8Array): number {
  const inLen = end - start;
  const outLen = out.length;
  if (inLen <= 0 || outLen === 0) return 0;
  if (base + inLen + 1 >= 0xffffffff) {
    table.fill(0);
    base = 1;
  }
  const b = base;
  base += inLen + 1;
  const at = (i: number) => input[start + i];
  let ip = 0;
  let op = 1; // the first literal run's header
  let lit = 0;
  let hval = (at(0) << 8) | (inLen > 1 ? at(1) : 0);
  // hot loop: no allocation
  while (ip + 2 < inLen) {
    hval = ((hval << 8) | at(ip + 2)) >>> 0;
    const slot = idx(hval);
    const entry = table[slot];
    table[slot] = b + ip;
    const r = entry - b;
    if (entry >= b && ip - r - 1 < MAX_OFF && r > 0 && at(r) === at(ip) && at(r + 1) === at(ip + 1) && at(r + 2) === at(ip + 2)) {
      const off = ip - r - 1;
      let len = 2;
      const maxlen = Math.min(inLen - ip - len, MAX_REF);
      out[op - lit - 1] = (lit - 1) & 0xff; // stop the run
      if (lit === 0) op--; // undo an empty run
      if (op + 3 + 1 >= outLen) return 0;
      // lzf_c.c compares 16 bytes unrolled before its bounded loop; the unrolled part can run past
      // maxlen, and the output must follow it.
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (at(r + len) !== at(ip + len)) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do len++;
        while (len < maxlen && at(r + len) === at(ip + len));
      }
      len -= 2; // the stored length: octets - 2
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op] = off & 0xff;
      op += 2; // the byte and the next run's header
      lit = 0;
      ip += len + 1;
      if (ip + 2 >= inLen) break;
      ip -= 2;
      hval = (at(ip) << 8) | at(ip + 1);
      hval = ((hval << 8) | at(ip + 2)) >>> 0;
      table[idx(hval)] = b + ip;
      ip++;
      hval = ((hval << 8) | at(ip + 2)) >>> 0;
      table[idx(hval)] = b + ip;
      ip++;
    } else {
      if (op >= outLen) return 0;
      lit++;
      out[op++] = at(ip++);
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return 0;
  while (ip < inLen) {
    lit++;
    out[op++] = at(ip++);
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = (lit - 1) & 0xff;
  if (lit === 0) op--;
  return op;
}

/** lzf_decompress (CHECK_INPUT) in TypeScript: bytes written to `out`, or -1 for corrupt input or too small `out`. */
export function lzfDecompressTs(input: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let ip = start;
  let op = 0;
  while (ip < end) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > out.length || ip + n > end) return -1;
      out.set(input.subarray(ip, ip + n), op);
      op += n;
      ip += n;
    } else {
      let len = ctrl >> 5;
      if (ip >= end) return -1;
      if (len === 7) {
        len += input[ip++];
        if (ip >= end) return -1;
      }
      const back = ((ctrl & 0x1f) << 8) + input[ip++] + 1;
      if (op + len + 2 > out.length || back > op) return -1;
      let r = op - back;
      for (let k = 0; k < len + 2; k++) out[op++] = out[r++];
    }
  }
  return op;
}

/** lzf_compress: the addon when loaded, else the TypeScript twin. `out` must not share memory with `input`. */
export function lzfCompress(input: Uint8Array, start: number, end: number, out: Uint8Array): number {
  const addon = loadNative();
  if (addon !== null && typeof addon.lzfCompress === 'function') return addon.lzfCompress(input, start, end, out);
  return lzfCompressTs(input, start, end, out);
}

/** lzf_decompress: the addon when loaded, else the TypeScript twin. -1: corrupt, or larger than `out`. */
export function lzfDecompress(input: Uint8Array, start: number, end: number, out: Uint8Array): number {
  const addon = loadNative();
  if (addon !== null && typeof addon.lzfDecompress === 'function') return addon.lzfDecompress(input, start, end, out);
  return lzfDecompressTs(input, start, end, out);
}
