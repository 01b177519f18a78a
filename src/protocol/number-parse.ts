/**
 * Number parsing over byte ranges, with Redis's exact acceptance rules, and the 80-bit long double
 * arithmetic INCRBYFLOAT / HINCRBYFLOAT need.
 *
 * Integers (Redis's string2ll): optional '-', then "0" alone or a digit 1-9 followed by digits, at most
 * 20 bytes, within int64. No '+', no spaces, no leading zeros, no "-0".
 * - `string2ll` returns a JS number: exact within +-2^53, the nearest double beyond (fine for
 *   clamping ranges and counts). `string2llExact` returns the exact bigint when that matters.
 * - `integerArgOrReply` / `doubleArgOrReply` parse argument i or write the error reply and return
 *   null (Redis's get...FromObjectOrReply): callers just `if (n === null) return;`.
 *
 * Doubles (Redis's string2d, strtod's grammar): decimal with optional exponent, hex floats ("0x1p3"),
 * "inf"/"infinity" in any case with an optional sign; rejected: leading spaces, trailing bytes,
 * NaN, overflow to +-inf, underflow to zero (ERANGE in C).
 *
 * Long doubles (Redis's string2ld with strtold): the same grammar at x87 80-bit precision (64-bit
 * mantissa, 15-bit exponent), held as `LongDouble` (sign, bigint mantissa, binary exponent) and
 * computed exactly with bigints, then rounded to nearest-even as the FPU does. `formatLongDoubleHuman`
 * is Redis's ld2string LD_STR_HUMAN ("%.17Lf" with trailing zeros trimmed).
 */
import type { Args } from './args.js';
import type { Reply } from './reply.js';
import { NOT_FLOAT, NOT_INTEGER } from './errors.js';

// ---------------------------------------------------------------- integers

/** Redis's LONG_STR_SIZE: strings this long or longer are never integers. */
const LONG_STR_SIZE = 21;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Writes the decimal digits of integer `n` (Redis's ll2string) at `b[at]` and returns the position
 * after them. The caller has made room for 24 bytes. Hot path (replies, INCR): no string is built for
 * safe integers; beyond 2^53 the value is a double and prints as String() does.
 */
export function writeDecimal(b: Uint8Array, at: number, n: number): number {
  if (n < 0) {
    b[at++] = 45;
    n = -n;
  }
  if (n < 10) {
    b[at++] = 48 + n;
    return at;
  }
  if (n <= 0x7fffffff) {
    // int32: the digit count by comparisons and division by 10 as an integer multiply (V8 turns
    // `(v / 10) | 0` on int32 into one), several times faster than float division and floor.
    let v = n | 0;
    const end = at + decimalLength(v);
    let p = end;
    while (v >= 10) {
      const q = (v / 10) | 0;
      b[--p] = 48 + v - q * 10;
      v = q;
    }
    b[--p] = 48 + v;
    return end;
  }
  if (n > Number.MAX_SAFE_INTEGER) {
    const s = String(n);
    for (let i = 0; i < s.length; i++) b[at++] = s.charCodeAt(i);
    return at;
  }
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  let p = at + digits;
  while (n >= 10) {
    const q = Math.floor(n / 10);
    b[--p] = 48 + (n - q * 10);
    n = q;
  }
  b[--p] = 48 + n;
  return at + digits;
}

/** The number of bytes writeDecimal writes for safe integer `n` (sign included). */
export function decimalLength(n: number): number {
  let len = 1;
  if (n < 0) {
    len = 2;
    n = -n;
  }
  if (n <= 0x7fffffff) return len + (n < 10 ? 0 : n < 100 ? 1 : n < 1000 ? 2 : n < 10000 ? 3 : n < 100000 ? 4 : n < 1000000 ? 5 : n < 10000000 ? 6 : n < 100000000 ? 7 : n < 1000000000 ? 8 : 9);
  for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
  return len;
}

/**
 * Redis's string2ll over buf[off, off+len). Returns null when not a canonical int64. The result is
 * exact within +-2^53 (Number.isSafeInteger), the nearest double beyond. Hot path: no allocation for
 * up to 15 digits.
 */
export function string2ll(buf: Uint8Array, off: number, len: number): number | null {
  if (len === 0 || len >= LONG_STR_SIZE) return null;
  let p = off;
  const end = off + len;
  let negative = false;
  if (buf[p] === 45) {
    negative = true;
    p++;
    if (p === end) return null;
  }
  const first = buf[p];
  if (first === 48) return len === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  if (end - p <= 15) {
    let v = 0;
    for (; p < end; p++) {
      const c = buf[p];
      if (c < 48 || c > 57) return null;
      v = v * 10 + (c - 48);
    }
    return negative ? -v : v;
  }
  const exact = string2llExact(buf, off, len);
  return exact === null ? null : Number(exact);
}

/** Redis's string2ll, exact: the int64 as a bigint, or null. */
export function string2llExact(buf: Uint8Array, off: number, len: number): bigint | null {
  if (len === 0 || len >= LONG_STR_SIZE) return null;
  let p = off;
  const end = off + len;
  let negative = false;
  if (buf[p] === 45) {
    negative = true;
    p++;
    if (p === end) return null;
  }
  const first = buf[p];
  if (first === 48) return len === 1 ? 0n : null;
  if (first < 49 || first > 57) return null;
  let text = '';
  for (; p < end; p++) {
    const c = buf[p];
    if (c < 48 || c > 57) return null;
    text += String.fromCharCode(c);
  }
  let v = BigInt(text);
  if (negative) v = -v;
  if (v > INT64_MAX || v < INT64_MIN) return null;
  return v;
}

/** Whether a byte string is the canonical text of an int64 (Redis's string2l test for 'int' encoding). */
export function isCanonicalInt64(buf: Uint8Array, off: number, len: number): boolean {
  if (len > 20) return false;
  if (len < 19) return string2ll(buf, off, len) !== null;
  return string2llExact(buf, off, len) !== null;
}

/**
 * Parses argument `i` as an int64 (getLongLongFromObjectOrReply); on failure replies `message`
 * (default Redis's "value is not an integer or out of range") and returns null.
 */
export function integerArgOrReply(args: Args, i: number, reply: Reply, message: string = NOT_INTEGER): number | null {
  const n = string2ll(args.buf, args.offset(i), args.length(i));
  if (n === null) reply.error(message);
  return n;
}

/** integerArgOrReply, exact (bigint) for callers that do int64 arithmetic. */
export function integerArgExactOrReply(args: Args, i: number, reply: Reply, message: string = NOT_INTEGER): bigint | null {
  const n = string2llExact(args.buf, args.offset(i), args.length(i));
  if (n === null) reply.error(message);
  return n;
}

// ---------------------------------------------------------------- floating point formats

interface FloatFormat {
  /** Mantissa bits including the leading one. */
  bits: number;
  /** Binary exponent of the mantissa's least significant bit for subnormals (the minimum). */
  minExp: number;
  /** Largest binary exponent of the least significant bit of a finite value. */
  maxExp: number;
}

/** IEEE double: 53-bit mantissa, values m * 2^e with e in [-1074, 971]. */
const DOUBLE: FloatFormat = { bits: 53, minExp: -1074, maxExp: 971 };
/** x87 extended: 64-bit mantissa, values m * 2^e with e in [-16445, 16320]. */
const EXTENDED: FloatFormat = { bits: 64, minExp: -16445, maxExp: 16320 };

/** A finite long double, value = (negative ? -1 : 1) * mantissa * 2^exponent; or +-inf / NaN. */
export interface LongDouble {
  negative: boolean;
  /** Non-negative; at most 64 bits after rounding. */
  mantissa: bigint;
  exponent: number;
  kind: 'finite' | 'inf' | 'nan';
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds the exact value `n * 2^e` (plus a positive amount below its last bit when `sticky`) to the
 * format, nearest-even. The caller supplies at least 2 bits beyond the format's precision when
 * `sticky` is set. Returns mantissa and exponent, or null when the result overflows to infinity.
 */
function roundTo(fmt: FloatFormat, n: bigint, e: number, sticky: boolean): { m: bigint; e: number } | null {
  if (n === 0n) return { m: 0n, e: 0 };
  const len = bitLength(n);
  const target = Math.max(e + len - fmt.bits, fmt.minExp);
  if (target <= e) {
    if (e > fmt.maxExp + (fmt.bits - len)) return null;
    return { m: n, e };
  }
  const shift = BigInt(target - e);
  let q = n >> shift;
  const rem = n - (q << shift);
  const half = 1n << (shift - 1n);
  if (rem > half || (rem === half && (sticky || (q & 1n) === 1n))) q += 1n;
  let exp = target;
  if (bitLength(q) > fmt.bits) {
    q >>= 1n;
    exp++;
  }
  if (q !== 0n && exp + bitLength(q) - 1 > fmt.maxExp + fmt.bits - 1) return null;
  return { m: q, e: exp };
}

/** Result of scanning strtod's grammar: the exact value before rounding, or a special. */
type Scanned =
  | { kind: 'finite'; negative: boolean; hex: boolean; digits: bigint; pow10: number; pow2: number }
  | { kind: 'inf'; negative: boolean }
  | { kind: 'nan' };

function lowerAt(buf: Uint8Array, i: number): number {
  const c = buf[i];
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

function matchesWord(buf: Uint8Array, p: number, end: number, word: string): boolean {
  if (end - p !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (lowerAt(buf, p + k) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * Scans the whole range with strtod/strtold's grammar (C locale). Returns null unless every byte is
 * consumed, or when it starts with white space (Redis rejects that before calling strtod).
 */
function scanFloat(buf: Uint8Array, off: number, len: number): Scanned | null {
  const end = off + len;
  let p = off;
  if (len === 0) return null;
  let negative = false;
  if (buf[p] === 43 || buf[p] === 45) {
    negative = buf[p] === 45;
    p++;
  }
  if (p === end) return null;
  const c0 = lowerAt(buf, p);
  if (c0 === 105) {
    if (matchesWord(buf, p, end, 'inf') || matchesWord(buf, p, end, 'infinity')) return { kind: 'inf', negative };
    return null;
  }
  if (c0 === 110) {
    // "nan" or "nan(n-char-sequence)": always rejected by Redis, but it must parse fully to matter.
    return { kind: 'nan' };
  }
  if (buf[p] === 48 && p + 1 < end && lowerAt(buf, p + 1) === 120) {
    const hex = scanHex(buf, p + 2, end, negative);
    if (hex !== null) return hex;
    // "0x" not followed by hex digits: strtod reads "0" and stops at 'x'.
    return null;
  }
  let digits = '';
  let sawDigit = false;
  let fracDigits = 0;
  while (p < end && buf[p] >= 48 && buf[p] <= 57) {
    digits += String.fromCharCode(buf[p++]);
    sawDigit = true;
  }
  if (p < end && buf[p] === 46) {
    p++;
    while (p < end && buf[p] >= 48 && buf[p] <= 57) {
      digits += String.fromCharCode(buf[p++]);
      fracDigits++;
      sawDigit = true;
    }
  }
  if (!sawDigit) return null;
  let exp10 = 0;
  if (p < end && (buf[p] === 101 || buf[p] === 69)) {
    const parsed = scanExponent(buf, p + 1, end);
    if (parsed === null) return null;
    exp10 = parsed;
    p = end;
  }
  if (p !== end) return null;
  return { kind: 'finite', negative, hex: false, digits: BigInt(digits), pow10: exp10 - fracDigits, pow2: 0 };
}

/** Decimal exponent after 'e'/'p' running to `end`; clamped to +-1e9 (far past any format's range). */
function scanExponent(buf: Uint8Array, p: number, end: number): number | null {
  let sign = 1;
  if (p < end && (buf[p] === 43 || buf[p] === 45)) {
    if (buf[p] === 45) sign = -1;
    p++;
  }
  if (p === end) return null;
  let v = 0;
  for (; p < end; p++) {
    const c = buf[p];
    if (c < 48 || c > 57) return null;
    if (v < 1e9) v = v * 10 + (c - 48);
  }
  return sign * v;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function scanHex(buf: Uint8Array, p: number, end: number, negative: boolean): Scanned | null {
  let mantissa = 0n;
  let sawDigit = false;
  let fracDigits = 0;
  while (p < end && hexValue(buf[p]) >= 0) {
    mantissa = (mantissa << 4n) | BigInt(hexValue(buf[p++]));
    sawDigit = true;
  }
  if (p < end && buf[p] === 46) {
    p++;
    while (p < end && hexValue(buf[p]) >= 0) {
      mantissa = (mantissa << 4n) | BigInt(hexValue(buf[p++]));
      fracDigits++;
      sawDigit = true;
    }
  }
  if (!sawDigit) return null;
  let exp2 = 0;
  if (p < end && (buf[p] === 112 || buf[p] === 80)) {
    const parsed = scanExponent(buf, p + 1, end);
    if (parsed === null) return null;
    exp2 = parsed;
    p = end;
  }
  if (p !== end) return null;
  return { kind: 'finite', negative, hex: true, digits: mantissa, pow10: 0, pow2: exp2 - 4 * fracDigits };
}

/** Exact value of a scanned finite number rounded to `fmt`; null on overflow; m = 0 on (under)flow to 0. */
function roundScanned(fmt: FloatFormat, s: { digits: bigint; pow10: number; pow2: number }): { m: bigint; e: number } | null {
  const { digits, pow10, pow2 } = s;
  if (digits === 0n) return { m: 0n, e: 0 };
  if (pow10 === 0) return roundTo(fmt, digits, clampExp(pow2), false);
  const decimalDigits = digits.toString().length;
  const magnitude = decimalDigits - 1 + pow10; // floor(log10(value))
  if (magnitude > 5000) return null;
  if (magnitude < -5000) return { m: 0n, e: 0 };
  if (pow10 > 0) return roundTo(fmt, digits * 10n ** BigInt(pow10), 0, false);
  const divisor = 10n ** BigInt(-pow10);
  const extra = Math.max(0, fmt.bits + 3 + bitLength(divisor) - bitLength(digits));
  const scaled = digits << BigInt(extra);
  const q = scaled / divisor;
  const sticky = q * divisor !== scaled;
  return roundTo(fmt, q, -extra, sticky);
}

function clampExp(e: number): number {
  return Math.max(-40000, Math.min(40000, e));
}

/**
 * Redis's string2d (strtod) over bytes: the double, or null when Redis rejects the text (spaces,
 * trailing bytes, NaN, overflow, underflow to zero). "inf" and "-inf" are accepted.
 */
export function string2d(buf: Uint8Array, off: number, len: number): number | null {
  const s = scanFloat(buf, off, len);
  if (s === null || s.kind === 'nan') return null;
  if (s.kind === 'inf') return s.negative ? -Infinity : Infinity;
  let value: number;
  if (!s.hex) {
    // Decimal: V8's conversion is correctly rounded, as glibc's strtod.
    let text = '';
    for (let i = off; i < off + len; i++) text += String.fromCharCode(buf[i]);
    value = Number(text.charCodeAt(0) === 43 ? text.slice(1) : text);
    if (!Number.isFinite(value)) return null;
  } else {
    const r = roundTo(DOUBLE, s.digits, clampExp(s.pow2), false);
    if (r === null) return null;
    value = Number(r.m) * 2 ** r.e;
    if (s.negative) value = -value;
  }
  if (value === 0 && s.digits !== 0n) return null;
  return value;
}

/** Parses argument `i` as a double (getDoubleFromObjectOrReply); on failure replies and returns null. */
export function doubleArgOrReply(args: Args, i: number, reply: Reply, message: string = NOT_FLOAT): number | null {
  const d = string2d(args.buf, args.offset(i), args.length(i));
  if (d === null) reply.error(message);
  return d;
}

// ---------------------------------------------------------------- long double

const LD_NAN: LongDouble = { negative: false, mantissa: 0n, exponent: 0, kind: 'nan' };

/**
 * Redis's string2ld (strtold at 80-bit precision) over bytes: a LongDouble, or null when Redis
 * rejects the text (same rules as string2d, with the long double's range; up to 5 KiB of text).
 */
export function string2ld(buf: Uint8Array, off: number, len: number): LongDouble | null {
  if (len === 0 || len >= 5 * 1024) return null;
  const s = scanFloat(buf, off, len);
  if (s === null || s.kind === 'nan') return null;
  if (s.kind === 'inf') return { negative: s.negative, mantissa: 0n, exponent: 0, kind: 'inf' };
  const r = roundScanned(EXTENDED, s);
  if (r === null) return null;
  if (r.m === 0n && s.digits !== 0n) return null;
  return { negative: s.negative, mantissa: r.m, exponent: r.e, kind: 'finite' };
}

/** A long double holding an int64 exactly (Redis's (long double) cast of an int-encoded value). */
export function longDoubleFromInteger(n: bigint): LongDouble {
  return { negative: n < 0n, mantissa: n < 0n ? -n : n, exponent: 0, kind: 'finite' };
}

/** a + b in x87 extended precision, round to nearest even (may return inf or NaN). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return LD_NAN;
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'inf' && b.kind === 'inf' && a.negative !== b.negative) return LD_NAN;
    return a.kind === 'inf' ? a : b;
  }
  if (a.mantissa === 0n && b.mantissa === 0n) {
    return { negative: a.negative && b.negative, mantissa: 0n, exponent: 0, kind: 'finite' };
  }
  if (a.mantissa === 0n) return b;
  if (b.mantissa === 0n) return a;
  const e = Math.min(a.exponent, b.exponent);
  const va = (a.negative ? -a.mantissa : a.mantissa) << BigInt(a.exponent - e);
  const vb = (b.negative ? -b.mantissa : b.mantissa) << BigInt(b.exponent - e);
  const sum = va + vb;
  if (sum === 0n) return { negative: false, mantissa: 0n, exponent: 0, kind: 'finite' };
  const negative = sum < 0n;
  const r = roundTo(EXTENDED, negative ? -sum : sum, e, false);
  if (r === null) return { negative, mantissa: 0n, exponent: 0, kind: 'inf' };
  return { negative, mantissa: r.m, exponent: r.e, kind: 'finite' };
}

export function isFiniteLongDouble(v: LongDouble): boolean {
  return v.kind === 'finite';
}

/**
 * Redis's ld2string in LD_STR_HUMAN mode: "%.17Lf" (exact decimal expansion rounded to 17 fraction
 * digits, ties to even as glibc), then trailing zeros and a trailing '.' removed, "-0" written "0".
 * "inf"/"-inf" for infinities.
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (v.kind === 'inf') return v.negative ? '-inf' : 'inf';
  if (v.kind === 'nan') return v.negative ? '-nan' : 'nan';
  let digits: string;
  if (v.exponent >= 0) {
    digits = (v.mantissa << BigInt(v.exponent)).toString() + '00000000000000000';
  } else {
    const shift = BigInt(-v.exponent);
    const scaled = v.mantissa * 10n ** 17n;
    let q = scaled >> shift;
    const rem = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    digits = q.toString().padStart(18, '0');
  }
  const intPart = digits.slice(0, digits.length - 17);
  let frac = digits.slice(digits.length - 17);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  const text = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  if (v.negative && text !== '0') return '-' + text;
  return text;
}

/** Alias of `string2ll` under a descriptive name (same contract: number or null). */
export const parseLongLong = string2ll;
/** Alias of `string2d` (same contract: number or null). */
export const parseDouble = string2d;
