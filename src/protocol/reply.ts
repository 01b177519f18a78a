/**
 * The one place that encodes replies. Methods are named after RESP types (as Redis's addReply* are);
 * null, booleans, maps, sets, doubles and pushes adapt to the connection's protocol (2 or 3).
 *
 * Writes append to a growable byte buffer; the owner takes the bytes with `take()` or copies
 * `buf.subarray(0, pos)` and calls `clear()`. Hot path: no allocation per reply beyond growth.
 */
import { writeDecimal } from './number-parse.js';

const CRLF0 = 13;
const CRLF1 = 10;
/** Bulk values up to this many bytes are copied by a loop (see bulk). */
const SHORT_COPY = 64;

/**
 * Writes `$<len>\r\n` for a length below 100 at b[p]; returns the position after it. Exported for
 * writers that fill the reply buffer in a loop of their own (LRANGE, list-value.ts).
 */
export function shortBulkHeader(b: Uint8Array, p: number, len: number): number {
  b[p++] = 36; // '$'
  if (len >= 10) b[p++] = 48 + ((len / 10) | 0);
  b[p++] = 48 + (len % 10);
  b[p++] = CRLF0;
  b[p++] = CRLF1;
  return p;
}

export class Reply {
  buf: Uint8Array;
  pos = 0;
  /** RESP protocol version of the client the reply is for. */
  resp: 2 | 3 = 2;
  /** Number of error replies written since the last clear (for error stats). */
  errors = 0;
  /** Error code prefix of the last error written (e.g. "ERR", "WRONGTYPE"), for errorstats. */
  lastErrorCode = '';

  constructor(initial = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  clear(): void {
    this.pos = 0;
    this.errors = 0;
  }

  /** The written bytes as a fresh Buffer; the writer starts a new buffer. */
  take(): Buffer {
    const out = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(16 * 1024, this.buf.length));
    this.pos = 0;
    this.errors = 0;
    return out;
  }

  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Appends raw bytes (already RESP-encoded). */
  raw(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const n = end - start;
    this.ensure(n);
    this.buf.set(bytes.subarray(start, end), this.pos);
    this.pos += n;
  }

  /** Appends an ASCII/latin1 string verbatim. */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  private crlf(): void {
    this.buf[this.pos++] = CRLF0;
    this.buf[this.pos++] = CRLF1;
  }

  private prefixedInt(prefix: number, n: number): void {
    this.ensure(24);
    this.buf[this.pos++] = prefix;
    this.writeIntDigits(n);
    this.crlf();
  }

  private writeIntDigits(n: number): void {
    this.pos = writeDecimal(this.buf, this.pos, n);
  }

  /** +OK style status. `s` must not contain CR or LF. */
  simple(s: string): void {
    this.ensure(s.length + 3);
    this.buf[this.pos++] = 43; // '+'
    this.ascii(s);
    this.crlf();
  }

  ok(): void {
    this.simple('OK');
  }

  /** An error reply; `message` starts with its code ("ERR ...", "WRONGTYPE ..."). CR/LF become spaces. */
  error(message: string): void {
    const clean = /[\r\n]/.test(message) ? message.replace(/[\r\n]/g, ' ') : message;
    const bytes = Buffer.from(clean, 'utf8');
    this.ensure(bytes.length + 3);
    this.buf[this.pos++] = 45; // '-'
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    this.crlf();
    this.errors++;
    const sp = clean.indexOf(' ');
    this.lastErrorCode = sp < 0 ? clean : clean.slice(0, sp);
  }

  integer(n: number | bigint): void {
    if (typeof n === 'bigint') {
      this.ascii(':' + n.toString() + '\r\n');
      return;
    }
    this.prefixedInt(58, n); // ':'
  }

  /**
   * Bulk string from bytes. Short values are copied by a loop: `subarray` + `set` costs a typed-array
   * object per element (LRANGE, HGETALL), and `set` from the SharedArrayBuffer arena is slower still.
   */
  bulk(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const n = end - start;
    this.ensure(n + 26);
    const b = this.buf;
    if (n < 100) {
      // The common case written with a local position: a 1-2 digit length, a copy loop.
      let p = shortBulkHeader(b, this.pos, n);
      for (let i = start; i < end; i++) b[p++] = bytes[i];
      b[p++] = CRLF0;
      b[p++] = CRLF1;
      this.pos = p;
      return;
    }
    b[this.pos++] = 36; // '$'
    this.writeIntDigits(n);
    b[this.pos++] = CRLF0;
    b[this.pos++] = CRLF1;
    if (n <= SHORT_COPY) {
      let p = this.pos;
      for (let i = start; i < end; i++) b[p++] = bytes[i];
      this.pos = p;
    } else {
      b.set(bytes.subarray(start, end), this.pos);
      this.pos += n;
    }
    b[this.pos++] = CRLF0;
    b[this.pos++] = CRLF1;
  }

  /** Bulk string from a JS string, encoded as UTF-8 (use bulkLatin1 for byte strings held as latin1). */
  bulkString(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.bulk(bytes);
  }

  /** Bulk string from a latin1 JS string (one byte per char). */
  bulkLatin1(s: string): void {
    this.prefixedInt(36, s.length);
    this.ensure(s.length + 2);
    this.ascii(s);
    this.crlf();
  }

  /** Bulk string holding the decimal text of an integer (safe integers without building a string). */
  bulkInteger(n: number | bigint): void {
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
      this.bulkLatin1(String(n));
      return;
    }
    this.ensure(32);
    const b = this.buf;
    let len = n < 0 ? 2 : 1;
    for (let t = n < 0 ? -n : n; t >= 10; t = Math.floor(t / 10)) len++;
    let p = shortBulkHeader(b, this.pos, len);
    p = writeDecimal(b, p, n);
    b[p++] = CRLF0;
    b[p++] = CRLF1;
    this.pos = p;
  }

  /** Null bulk ($-1 in RESP2, _ in RESP3). */
  nullBulk(): void {
    this.ascii(this.resp === 3 ? '_\r\n' : '$-1\r\n');
  }

  /** Null array (*-1 in RESP2, _ in RESP3). */
  nullArray(): void {
    this.ascii(this.resp === 3 ? '_\r\n' : '*-1\r\n');
  }

  arrayLen(n: number): void {
    this.prefixedInt(42, n); // '*'
  }

  /** A map of n pairs: %n in RESP3, *2n in RESP2. */
  mapLen(n: number): void {
    if (this.resp === 3) this.prefixedInt(37, n);
    else this.prefixedInt(42, n * 2);
  }

  /** A set of n elements: ~n in RESP3, *n in RESP2. */
  setLen(n: number): void {
    this.prefixedInt(this.resp === 3 ? 126 : 42, n);
  }

  /** An out-of-band push of n elements: >n in RESP3, *n in RESP2. */
  pushLen(n: number): void {
    this.prefixedInt(this.resp === 3 ? 62 : 42, n);
  }

  /** Boolean: #t/#f in RESP3, :1/:0 in RESP2. */
  bool(v: boolean): void {
    if (this.resp === 3) this.ascii(v ? '#t\r\n' : '#f\r\n');
    else this.ascii(v ? ':1\r\n' : ':0\r\n');
  }

  /**
   * A double: ,<repr> in RESP3, bulk string in RESP2 (Redis's %.17g formatting). Integral values
   * below 2^53 (sorted-set scores usually are) print as their digits, which is what %.17g gives for
   * them, without formatting through toExponential; -0 keeps the general path ("-0").
   */
  double(d: number): void {
    if (Number.isSafeInteger(d) && !(d === 0 && 1 / d < 0)) {
      if (this.resp === 3) {
        this.ensure(24);
        const b = this.buf;
        let p = this.pos;
        b[p++] = 44; // ','
        p = writeDecimal(b, p, d);
        b[p++] = CRLF0;
        b[p++] = CRLF1;
        this.pos = p;
      } else this.bulkInteger(d);
      return;
    }
    const text = formatDouble(d);
    if (this.resp === 3) {
      this.ascii(',' + text + '\r\n');
    } else {
      this.bulkLatin1(text);
    }
  }

  /** Verbatim string (=len\r\ntxt:...) in RESP3, bulk string in RESP2. */
  verbatim(text: string, format = 'txt'): void {
    if (this.resp === 3) {
      const bytes = Buffer.from(text, 'utf8');
      this.prefixedInt(61, bytes.length + 4);
      this.ascii(format + ':');
      this.raw(bytes);
      this.crlf2();
    } else {
      this.bulkString(text);
    }
  }

  private crlf2(): void {
    this.ensure(2);
    this.crlf();
  }

  /**
   * Reserves room for an aggregate length not known yet (Redis's addReplyDeferredLen): returns a handle
   * for `setDeferredLen`. The header is written in place, shifting later bytes when needed.
   */
  deferredLen(): number {
    return this.pos;
  }

  /** Fills in a deferred aggregate header at `handle`: kind '*', '%' (map, pairs), '~' (set). */
  setDeferredLen(handle: number, n: number, kind: '*' | '%' | '~' = '*'): void {
    let header: string;
    if (kind === '%') header = this.resp === 3 ? `%${n}\r\n` : `*${n * 2}\r\n`;
    else if (kind === '~') header = this.resp === 3 ? `~${n}\r\n` : `*${n}\r\n`;
    else header = `*${n}\r\n`;
    const h = header.length;
    this.ensure(h);
    this.buf.copyWithin(handle + h, handle, this.pos);
    for (let i = 0; i < h; i++) this.buf[handle + i] = header.charCodeAt(i);
    this.pos += h;
  }
}

/** Redis's double formatting for replies (%.17g, with inf/-inf/nan spelled as Redis does). */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  return formatG17(d);
}

/**
 * C's %.17g: 17 significant digits, trailing zeros removed, scientific notation below 1e-4 and from
 * 1e17. JavaScript rounds decimal ties away from zero where glibc rounds the exact binary value half
 * to even, so a value whose 18th significant digit is a 5 is formatted from its exact expansion.
 */
export function formatG17(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const probe = d.toExponential(17);
  const mark = probe.indexOf('e');
  let digits: string;
  let exp: number;
  if (probe.charCodeAt(mark - 1) !== 53) {
    const s = d.toExponential(16);
    const e = s.indexOf('e');
    digits = s.slice(d < 0 ? 1 : 0, e).replace('.', '');
    exp = Number(s.slice(e + 1));
  } else {
    [digits, exp] = exactDigits17(Math.abs(d));
  }
  digits = digits.replace(/0+$/, '');
  if (digits === '') digits = '0';
  const sign = d < 0 ? '-' : '';
  if (exp < -4 || exp >= 17) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ex = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${ex}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** 17 significant digits of a positive finite double, rounded half to even from its exact value, and the decimal exponent. */
function exactDigits17(d: number): [string, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2 = biased - 1075;
  if (biased === 0) e2 = -1074;
  else mantissa |= 1n << 52n;
  // Exact decimal: digits * 10^-scale.
  let exact: bigint;
  let scale: number;
  if (e2 >= 0) {
    exact = mantissa << BigInt(e2);
    scale = 0;
  } else {
    exact = mantissa * 5n ** BigInt(-e2);
    scale = -e2;
  }
  const text = exact.toString();
  const exp = text.length - 1 - scale;
  if (text.length <= 17) return [text.padEnd(17, '0'), exp];
  let head = BigInt(text.slice(0, 17));
  const rest = text.slice(17);
  const first = rest.charCodeAt(0) - 48;
  const tail = /[1-9]/.test(rest.slice(1));
  if (first > 5 || (first === 5 && (tail || head % 2n === 1n))) head += 1n;
  let digits = head.toString();
  let e = exp;
  if (digits.length > 17) {
    digits = digits.slice(0, 17);
    e++;
  }
  return [digits, e];
}
