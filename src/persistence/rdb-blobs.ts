/**
 * The packed blobs inside RDB values, in Redis's own byte formats: the listpack (listpack.c), which
 * Redis 7.0 writes for small hashes, sorted sets and every quicklist node, and, for reading only, the
 * ziplist (ziplist.c), zipmap (zipmap.c) and intset (intset.c) that older RDB types carry.
 *
 * Tessera's arena listpack (storage/listpack.ts) is not byte-compatible with Redis's: its header is
 * 8 bytes (u32 bytes, u32 count) where Redis's is 6 (u32 bytes, u16 count) plus a 0xFF terminator,
 * it has no 13-bit integer or 12-bit string encoding, and its 32-bit string tag differs. So DUMP
 * re-encodes entries with `RedisListpackBuilder`, which reproduces lpAppend's choices exactly, and
 * RESTORE parses blobs into entries. Tessera's intset is Redis's layout (u32 width, u32 count,
 * little-endian elements), so its blob is written as is.
 *
 * Redis listpack, as written here:
 *   u32 total bytes   u16 count (65535 when larger)   entries   0xFF
 *   entry = encoding + data, then its size as a "backlen" of 1-5 bytes (7 bits per byte, read from
 *   the right; every byte but the leftmost has its high bit set)
 *   0xxxxxxx 7-bit uint | 10LLLLLL 6-bit-length string | 110xxxxx xxxxxxxx 13-bit int |
 *   1110LLLL LLLLLLLL 12-bit-length string | 0xF0 u32 length string | 0xF1 i16 | 0xF2 i24 | 0xF3 i32 |
 *   0xF4 i64 (little-endian)
 *
 * The parsers validate as deeply as Redis's sanitize-dump-payload: every length in bounds, headers
 * agreeing with the entries, back-lengths and ziplist prev-lengths consistent, intsets sorted. They
 * return null for any malformed blob and never read outside it.
 */
import { string2ll, string2llExact } from '../protocol/number-parse.js';

const LP_HEADER = 6;
const LP_EOF = 0xff;
const LP_COUNT_UNKNOWN = 65535;

/** Builds one listpack in Redis's format, choosing every entry's encoding as lpAppend does. */
export class RedisListpackBuilder {
  private buf = new Uint8Array(64);
  private length = LP_HEADER;
  private count = 0;
  private readonly view64 = new DataView(new ArrayBuffer(8));

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** Appends a byte string, stored as an integer when it is an int64's canonical text (lpStringToInt64). */
  appendString(src: Uint8Array, off: number, len: number): void {
    if (len > 0 && len <= 20) {
      if (len <= 15) {
        const v = string2ll(src, off, len);
        if (v !== null) return this.appendInteger(v);
      } else {
        const v = string2llExact(src, off, len);
        if (v !== null) return this.appendInteger(v);
      }
    }
    let header: number;
    if (len < 64) header = 1;
    else if (len < 4096) header = 2;
    else header = 5;
    const size = header + len;
    this.reserve(size + 5);
    const b = this.buf;
    let p = this.length;
    if (header === 1) b[p++] = 0x80 | len;
    else if (header === 2) {
      b[p++] = 0xe0 | (len >> 8);
      b[p++] = len & 0xff;
    } else {
      b[p++] = 0xf0;
      b[p++] = len & 0xff;
      b[p++] = (len >>> 8) & 0xff;
      b[p++] = (len >>> 16) & 0xff;
      b[p++] = (len >>> 24) & 0xff;
    }
    b.set(src.subarray(off, off + len), p);
    p += len;
    this.length = writeBacklen(b, p, size);
    this.count++;
  }

  /** Appends an integer entry in the smallest encoding (lpEncodeIntegerGetType). */
  appendInteger(v: number | bigint): void {
    this.reserve(9 + 5);
    const b = this.buf;
    let p = this.length;
    const n = typeof v === 'bigint' ? Number(v) : v;
    let size: number;
    if (n >= 0 && n <= 127) {
      b[p++] = n;
      size = 1;
    } else if (n >= -4096 && n <= 4095) {
      const u = n < 0 ? (1 << 13) + n : n;
      b[p++] = (u >> 8) | 0xc0;
      b[p++] = u & 0xff;
      size = 2;
    } else if (n >= -32768 && n <= 32767) {
      const u = n < 0 ? (1 << 16) + n : n;
      b[p++] = 0xf1;
      b[p++] = u & 0xff;
      b[p++] = u >> 8;
      size = 3;
    } else if (n >= -8388608 && n <= 8388607) {
      const u = n < 0 ? (1 << 24) + n : n;
      b[p++] = 0xf2;
      b[p++] = u & 0xff;
      b[p++] = (u >> 8) & 0xff;
      b[p++] = u >> 16;
      size = 4;
    } else if (n >= -2147483648 && n <= 2147483647) {
      b[p++] = 0xf3;
      b[p++] = n & 0xff;
      b[p++] = (n >> 8) & 0xff;
      b[p++] = (n >> 16) & 0xff;
      b[p++] = (n >>> 24) & 0xff;
      size = 5;
    } else {
      b[p++] = 0xf4;
      this.view64.setBigInt64(0, typeof v === 'bigint' ? v : BigInt(v), true);
      for (let k = 0; k < 8; k++) b[p++] = this.view64.getUint8(k);
      size = 9;
    }
    this.length = writeBacklen(b, p, size);
    this.count++;
  }

  get entries(): number {
    return this.count;
  }

  /** The finished listpack (a view, valid until the builder is used again). */
  finish(): Uint8Array {
    this.reserve(1);
    const b = this.buf;
    b[this.length++] = LP_EOF;
    const total = this.length;
    b[0] = total & 0xff;
    b[1] = (total >>> 8) & 0xff;
    b[2] = (total >>> 16) & 0xff;
    b[3] = (total >>> 24) & 0xff;
    const count = this.count < LP_COUNT_UNKNOWN ? this.count : LP_COUNT_UNKNOWN;
    b[4] = count & 0xff;
    b[5] = count >> 8;
    return b.subarray(0, total);
  }

  /** Empties the builder for the next listpack. */
  reset(): void {
    this.length = LP_HEADER;
    this.count = 0;
  }
}

/** lpEncodeBacklen at `p`; returns the position after it. */
function writeBacklen(b: Uint8Array, p: number, l: number): number {
  if (l <= 127) {
    b[p] = l;
    return p + 1;
  }
  if (l < 16383) {
    b[p] = l >>> 7;
    b[p + 1] = (l & 127) | 128;
    return p + 2;
  }
  if (l < 2097151) {
    b[p] = l >>> 14;
    b[p + 1] = ((l >>> 7) & 127) | 128;
    b[p + 2] = (l & 127) | 128;
    return p + 3;
  }
  if (l < 268435455) {
    b[p] = l >>> 21;
    b[p + 1] = ((l >>> 14) & 127) | 128;
    b[p + 2] = ((l >>> 7) & 127) | 128;
    b[p + 3] = (l & 127) | 128;
    return p + 4;
  }
  b[p] = Math.floor(l / 2 ** 28);
  b[p + 1] = ((l >>> 21) & 127) | 128;
  b[p + 2] = ((l >>> 14) & 127) | 128;
  b[p + 3] = ((l >>> 7) & 127) | 128;
  b[p + 4] = (l & 127) | 128;
  return p + 5;
}

function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

function u32le(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 16777216;
}

function asciiBytes(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** Signed little-endian integer of `width` bytes at `p`, as decimal text. */
function intText(b: Uint8Array, p: number, width: number): Uint8Array {
  if (width === 8) {
    const view = new DataView(b.buffer, b.byteOffset + p, 8);
    return asciiBytes(view.getBigInt64(0, true).toString());
  }
  let v = 0;
  for (let k = width - 1; k >= 0; k--) v = v * 256 + b[p + k];
  const bits = width * 8;
  if (v >= 2 ** (bits - 1)) v -= 2 ** bits;
  return asciiBytes(String(v));
}

/**
 * A Redis listpack's entries (integers as their decimal text), or null when the blob is not a valid
 * listpack (lpValidateIntegrity with deep validation).
 */
export function parseRedisListpack(blob: Uint8Array): Uint8Array[] | null {
  const n = blob.length;
  if (n < LP_HEADER + 1) return null;
  if (u32le(blob, 0) !== n || blob[n - 1] !== LP_EOF) return null;
  const declared = blob[4] | (blob[5] << 8);
  const out: Uint8Array[] = [];
  const end = n - 1;
  let p = LP_HEADER;
  while (p < end) {
    const t = blob[p];
    let size: number;
    let entry: Uint8Array;
    if (t < 0x80) {
      size = 1;
      entry = asciiBytes(String(t));
    } else if ((t & 0xc0) === 0x80) {
      const len = t & 0x3f;
      size = 1 + len;
      if (p + size > end) return null;
      entry = blob.slice(p + 1, p + size);
    } else if ((t & 0xe0) === 0xc0) {
      if (p + 2 > end) return null;
      let v = ((t & 0x1f) << 8) | blob[p + 1];
      if (v >= 4096) v -= 8192;
      size = 2;
      entry = asciiBytes(String(v));
    } else if ((t & 0xf0) === 0xe0) {
      if (p + 2 > end) return null;
      const len = ((t & 0x0f) << 8) | blob[p + 1];
      size = 2 + len;
      if (p + size > end) return null;
      entry = blob.slice(p + 2, p + size);
    } else if (t === 0xf0) {
      if (p + 5 > end) return null;
      const len = u32le(blob, p + 1);
      size = 5 + len;
      if (p + size > end) return null;
      entry = blob.slice(p + 5, p + size);
    } else if (t >= 0xf1 && t <= 0xf4) {
      const width = t === 0xf1 ? 2 : t === 0xf2 ? 3 : t === 0xf3 ? 4 : 8;
      size = 1 + width;
      if (p + size > end) return null;
      entry = intText(blob, p + 1, width);
    } else return null;
    const bl = backlenSize(size);
    if (p + size + bl > end) return null;
    // The back-length must be the canonical encoding of the entry's size.
    const check = new Uint8Array(5);
    writeBacklen(check, 0, size);
    for (let k = 0; k < bl; k++) if (blob[p + size + k] !== check[k]) return null;
    p += size + bl;
    out.push(entry);
  }
  if (p !== end) return null;
  if (declared !== LP_COUNT_UNKNOWN && declared !== out.length) return null;
  return out;
}

const ZL_HEADER = 10;
const ZL_END = 0xff;
const ZL_BIGLEN = 254;

/** A ziplist's entries (integers as decimal text), or null when invalid (ziplistValidateIntegrity, deep). */
export function parseZiplist(blob: Uint8Array): Uint8Array[] | null {
  const n = blob.length;
  if (n < ZL_HEADER + 1) return null;
  if (u32le(blob, 0) !== n || blob[n - 1] !== ZL_END) return null;
  const tail = u32le(blob, 4);
  const declared = blob[8] | (blob[9] << 8);
  const out: Uint8Array[] = [];
  const end = n - 1;
  let p = ZL_HEADER;
  let prevSize = 0;
  let last = ZL_HEADER;
  while (p < end) {
    const start = p;
    let prevlen: number;
    if (blob[p] < ZL_BIGLEN) {
      prevlen = blob[p];
      p += 1;
    } else if (blob[p] === ZL_BIGLEN) {
      if (p + 5 > end) return null;
      prevlen = u32le(blob, p + 1);
      p += 5;
    } else return null;
    if (prevlen !== prevSize) return null;
    if (p >= end) return null;
    const t = blob[p];
    let entry: Uint8Array;
    if (t >> 6 === 0 || t >> 6 === 1 || t === 0x80) {
      let len: number;
      let header: number;
      if (t >> 6 === 0) {
        len = t & 0x3f;
        header = 1;
      } else if (t >> 6 === 1) {
        if (p + 2 > end) return null;
        len = ((t & 0x3f) << 8) | blob[p + 1];
        header = 2;
      } else {
        if (p + 5 > end) return null;
        len = blob[p + 1] * 16777216 + ((blob[p + 2] << 16) | (blob[p + 3] << 8) | blob[p + 4]);
        header = 5;
      }
      if (p + header + len > end) return null;
      entry = blob.slice(p + header, p + header + len);
      p += header + len;
    } else {
      let width: number;
      if (t === 0xc0) width = 2;
      else if (t === 0xd0) width = 4;
      else if (t === 0xe0) width = 8;
      else if (t === 0xf0) width = 3;
      else if (t === 0xfe) width = 1;
      else if (t >= 0xf1 && t <= 0xfd) width = 0;
      else return null;
      if (p + 1 + width > end) return null;
      entry = width === 0 ? asciiBytes(String((t & 0x0f) - 1)) : intText(blob, p + 1, width);
      p += 1 + width;
    }
    prevSize = p - start;
    last = start;
    out.push(entry);
  }
  if (p !== end) return null;
  if (tail !== last) return null;
  if (declared !== 65535 && declared !== out.length) return null;
  return out;
}

/** A zipmap's keys and values alternating, or null when invalid (zipmapValidateIntegrity, deep). */
export function parseZipmap(blob: Uint8Array): Uint8Array[] | null {
  const n = blob.length;
  if (n < 2 || blob[n - 1] !== 0xff) return null;
  const declared = blob[0];
  const out: Uint8Array[] = [];
  let p = 1;
  const readLen = (): number | null => {
    if (p >= n - 1) return null;
    const b = blob[p];
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      if (p + 5 > n - 1) return null;
      const v = u32le(blob, p + 1);
      p += 5;
      return v;
    }
    return null;
  };
  while (p < n - 1) {
    const klen = readLen();
    if (klen === null || p + klen > n - 1) return null;
    out.push(blob.slice(p, p + klen));
    p += klen;
    const vlen = readLen();
    if (vlen === null || p >= n - 1) return null;
    const free = blob[p++];
    if (p + vlen + free > n - 1) return null;
    out.push(blob.slice(p, p + vlen));
    p += vlen + free;
  }
  if (p !== n - 1) return null;
  if (declared < 254 && declared !== out.length / 2) return null;
  return out;
}

/** An intset's members as decimal text, or null when invalid (intsetValidateIntegrity, deep). */
export function parseIntset(blob: Uint8Array): Uint8Array[] | null {
  if (blob.length < 8) return null;
  const width = u32le(blob, 0);
  if (width !== 2 && width !== 4 && width !== 8) return null;
  const count = u32le(blob, 4);
  if (8 + count * width !== blob.length) return null;
  const out: Uint8Array[] = [];
  if (width === 8) {
    const view = new DataView(blob.buffer, blob.byteOffset, blob.length);
    let prev: bigint | null = null;
    for (let i = 0; i < count; i++) {
      const v = view.getBigInt64(8 + 8 * i, true);
      if (prev !== null && v <= prev) return null;
      prev = v;
      out.push(asciiBytes(v.toString()));
    }
    return out;
  }
  let prev = -Infinity;
  for (let i = 0; i < count; i++) {
    let v = 0;
    const p = 8 + width * i;
    for (let k = width - 1; k >= 0; k--) v = v * 256 + blob[p + k];
    if (v >= 2 ** (width * 8 - 1)) v -= 2 ** (width * 8);
    if (v <= prev) return null;
    prev = v;
    out.push(asciiBytes(String(v)));
  }
  return out;
}
