/**
 * RDB lengths and strings (Redis 7.0 rdb.c: rdbSaveLen, rdbSaveRawString, rdbGenericLoadStringObject).
 *
 * Length: 00LLLLLL (< 64) | 01LLLLLL LLLLLLLL (< 16384, big-endian) | 0x80 + 4 bytes big-endian |
 * 0x81 + 8 bytes big-endian. A string is a length and its bytes, or 11EEEEEE for an encoded one:
 * 0xC0 int8, 0xC1 int16 LE, 0xC2 int32 LE (a decimal string that round-trips, at most 11 bytes) and
 * 0xC3 LZF: compressed length, original length, compressed bytes. LZF is tried for strings over 20
 * bytes when rdbcompression is on, and kept only when it saves at least 4 bytes.
 */
import { lzfCompress, lzfDecompress } from './lzf.js';
import { string2ll } from '../protocol/number-parse.js';

export const RDB_ENC_INT8 = 0xc0;
export const RDB_ENC_INT16 = 0xc1;
export const RDB_ENC_INT32 = 0xc2;
export const RDB_ENC_LZF = 0xc3;

/** LZF output scratch, reused by every RdbWriter (output is copied out at once). */
let lzfScratch = new Uint8Array(256);

/** An append-only byte builder for RDB output. */
export class RdbWriter {
  private buf = new Uint8Array(256);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** The bytes written so far (a view). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** rdbSaveLen. */
  len(n: number): void {
    if (n < 1 << 6) this.byte(n);
    else if (n < 1 << 14) {
      this.byte(0x40 | (n >>> 8));
      this.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.byte(0x80);
      for (let shift = 24; shift >= 0; shift -= 8) this.byte((n >>> shift) & 0xff);
    } else {
      this.byte(0x81);
      const big = BigInt(n);
      for (let shift = 56n; shift >= 0n; shift -= 8n) this.byte(Number((big >> shift) & 0xffn));
    }
  }

  /** rdbSaveLen of a 64-bit value (stream ids and counters), exact past 2^53. */
  len64(n: bigint): void {
    if (n <= 0xffffffffn) {
      this.len(Number(n));
      return;
    }
    this.byte(0x81);
    for (let shift = 56n; shift >= 0n; shift -= 8n) this.byte(Number((n >> shift) & 0xffn));
  }

  /** rdbSaveMillisecondTime: an int64, little-endian. */
  millis(ms: number): void {
    const v = BigInt.asUintN(64, BigInt(Math.trunc(ms)));
    for (let shift = 0n; shift < 64n; shift += 8n) this.byte(Number((v >> shift) & 0xffn));
  }

  /** rdbSaveRawString: integer encoding, else LZF when `compress` and it pays, else verbatim. */
  string(s: Uint8Array, compress: boolean): void {
    this.stringFrom(s, 0, s.length, compress);
  }

  /** `string` of buf[off, off+len), without a view of it. */
  stringFrom(buf: Uint8Array, off: number, len: number, compress: boolean): void {
    if (len <= 11 && this.integer(buf, off, len)) return;
    if (compress && len > 20) {
      if (lzfScratch.length < len) lzfScratch = new Uint8Array(Math.max(len, 2 * lzfScratch.length));
      const n = lzfCompress(buf, off, off + len, lzfScratch.subarray(0, len - 4));
      if (n > 0) {
        this.byte(RDB_ENC_LZF);
        this.len(n);
        this.len(len);
        this.reserve(n);
        this.buf.set(lzfScratch.subarray(0, n), this.length);
        this.length += n;
        return;
      }
    }
    this.len(len);
    this.reserve(len);
    if (len < 64) {
      const b = this.buf;
      let at = this.length;
      for (let i = 0; i < len; i++) b[at++] = buf[off + i];
    } else this.buf.set(buf.subarray(off, off + len), this.length);
    this.length += len;
  }

  /** rdbTryIntegerEncoding: false when `s` is not a canonical integer in the int32 range. */
  private integer(buf: Uint8Array, off: number, len: number): boolean {
    // string2ll accepts only canonical text, so the value prints back as the same bytes.
    const value = string2ll(buf, off, len);
    if (value === null) return false;
    const v = Number(value);
    if (v >= -128 && v <= 127) {
      this.byte(RDB_ENC_INT8);
      this.byte(v & 0xff);
    } else if (v >= -32768 && v <= 32767) {
      this.byte(RDB_ENC_INT16);
      this.byte(v & 0xff);
      this.byte((v >> 8) & 0xff);
    } else if (v >= -2147483648 && v <= 2147483647) {
      this.byte(RDB_ENC_INT32);
      for (let shift = 0; shift < 32; shift += 8) this.byte((v >> shift) & 0xff);
    } else return false;
    return true;
  }
}

/** A cursor over RDB bytes; every read answers null past the end or on a malformed value. */
export class RdbReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  byte(): number | null {
    return this.pos < this.end ? this.buf[this.pos++] : null;
  }

  /** rdbLoadLenByRef: the length, or for an encoded string `{ encoding }` (0xC0..0xFF). */
  lenOrEncoding(): number | { encoding: number } | null {
    const first = this.byte();
    if (first === null) return null;
    switch (first >> 6) {
      case 0:
        return first & 0x3f;
      case 1: {
        const second = this.byte();
        return second === null ? null : ((first & 0x3f) << 8) | second;
      }
      case 2: {
        const width = first === 0x80 ? 4 : first === 0x81 ? 8 : 0;
        if (width === 0 || this.pos + width > this.end) return null;
        let n = 0;
        for (let k = 0; k < width; k++) n = n * 256 + this.buf[this.pos++];
        return n;
      }
      default:
        return { encoding: first };
    }
  }

  /** rdbLoadLen: an encoding byte reads as its low 6 bits, as in Redis. */
  len(): number | null {
    const n = this.lenOrEncoding();
    return n === null || typeof n === 'number' ? n : n.encoding & 0x3f;
  }

  /** rdbLoadLen of a 64-bit value, exact; null on an encoded-string byte or past the end. */
  len64(): bigint | null {
    const first = this.byte();
    if (first === null) return null;
    switch (first >> 6) {
      case 0:
        return BigInt(first & 0x3f);
      case 1: {
        const second = this.byte();
        return second === null ? null : BigInt(((first & 0x3f) << 8) | second);
      }
      case 2: {
        const width = first === 0x80 ? 4 : first === 0x81 ? 8 : 0;
        if (width === 0 || this.pos + width > this.end) return null;
        let n = 0n;
        for (let k = 0; k < width; k++) n = (n << 8n) | BigInt(this.buf[this.pos++]);
        return n;
      }
      default:
        return null;
    }
  }

  /** rdbLoadMillisecondTime: an int64, little-endian. */
  millis(): bigint | null {
    if (this.pos + 8 > this.end) return null;
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(this.buf[this.pos + k]);
    this.pos += 8;
    return BigInt.asIntN(64, v);
  }

  /** `n` raw bytes (a copy), or null past the end. */
  raw(n: number): Uint8Array | null {
    if (this.pos + n > this.end) return null;
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** rdbGenericLoadStringObject: a copy of the string's bytes. */
  string(): Uint8Array | null {
    const n = this.lenOrEncoding();
    if (n === null) return null;
    if (typeof n === 'number') {
      if (this.pos + n > this.end) return null;
      const s = this.buf.slice(this.pos, this.pos + n);
      this.pos += n;
      return s;
    }
    switch (n.encoding) {
      case RDB_ENC_INT8:
      case RDB_ENC_INT16:
      case RDB_ENC_INT32: {
        const width = n.encoding === RDB_ENC_INT8 ? 1 : n.encoding === RDB_ENC_INT16 ? 2 : 4;
        if (this.pos + width > this.end) return null;
        let v = 0;
        for (let k = width - 1; k >= 0; k--) v = v * 256 + this.buf[this.pos + k];
        this.pos += width;
        const bits = width * 8;
        if (v >= 2 ** (bits - 1)) v -= 2 ** bits;
        return Buffer.from(String(v), 'latin1');
      }
      case RDB_ENC_LZF: {
        const clen = this.len();
        const len = this.len();
        if (clen === null || len === null || this.pos + clen > this.end) return null;
        // An LZF back-reference of 3 bytes yields at most 264: a longer claim is corrupt, and refusing it
        // early keeps a few bytes of payload from allocating hundreds of megabytes.
        if (len > 512 * 1024 * 1024 || len > clen * 100 + 64) return null;
        const out = new Uint8Array(len);
        const n2 = lzfDecompress(this.buf, this.pos, this.pos + clen, out);
        this.pos += clen;
        return n2 === len ? out : null;
      }
      default:
        return null;
    }
  }
}
